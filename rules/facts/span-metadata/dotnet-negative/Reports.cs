using Datadog.Trace;

public class Reports
{
    public void Build(string kind, string op)
    {
        using (var scope = Tracer.Instance.StartActive($"report.{op}"))
        {
            scope.Span.SetTag(Tags.HttpMethod, "GET");
            scope.Span.SetTag($"report.{kind}", "1");
        }
    }
}
