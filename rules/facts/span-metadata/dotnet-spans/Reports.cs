using Datadog.Trace;

public class Reports
{
    public void Build(string kind)
    {
        using (var scope = Tracer.Instance.StartActive("report.build")) // expect: span-metadata
        {
            scope.Span.SetTag("report.kind", kind); // expect: span-metadata
        }
    }

    public void Export()
    {
        using var scope = Tracer.Instance.StartActive("report.export");
        scope.Span.ResourceName = "ExportReport"; // expect: span-metadata
    }
}
