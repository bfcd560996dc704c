<?php

namespace Tests\Feature;

use Tests\TestCase;

class DashboardTest extends TestCase
{
    public function test_dashboard_renders(): void
    {
        $this->get('/dashboard')->assertOk();
        $this->post('/logout')->assertRedirect('/');
    }
}
