package com.acmeshop.fraud;

import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
public class AssessmentRepository {

    private final JdbcTemplate jdbc;

    public AssessmentRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(String customerId, long amount, AssessmentController.Assessment assessment) {
        jdbc.update("INSERT INTO assessments (id, customer_id, amount, decision, score, created_at) VALUES (?, ?, ?, ?, ?, now())",
                assessment.id(), customerId, amount, assessment.decision(), assessment.score());
    }

    public Optional<AssessmentController.Assessment> find(String id) {
        return jdbc.query("SELECT id, decision, score FROM assessments WHERE id = ?",
                (rs, i) -> new AssessmentController.Assessment(rs.getString("id"), rs.getString("decision"), rs.getDouble("score")),
                id).stream().findFirst();
    }
}
