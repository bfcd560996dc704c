namespace Reports;

public class ReportClient
{
    private readonly HttpClient _http;
    private readonly string _baseUrl;

    public ReportClient(HttpClient http, IConfiguration config)
    {
        _http = http;
        _baseUrl = config["Reports:BaseUrl"];
    }

    public Task<string> Get(string host, int id) => _http.GetStringAsync($"http://{host}/reports/{id}");

    public Task<string> GetRelative(int id) => _http.GetStringAsync($"/reports/{id}");

    public Uri Docs() => new Uri(_baseUrl + "/docs");
}
