using System.Collections.Concurrent;

namespace Shop.Client;

[Serializable]
public class CatalogClient
{
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly IEventAggregator _events;

    public CatalogClient(HttpClient http, IEventAggregator events)
    {
        _http = http;
        _events = events;
        _events.Subscribe<PriceChanged>(OnPriceChanged);
    }

    [Obsolete("use GetAsync")]
    public string Get(string sku)
    {
        _hits.AddOrUpdate(sku, 1, (_, n) => n + 1);
        return _http.GetStringAsync("/products/" + sku).Result;
    }

    private void OnPriceChanged(PriceChanged e) { }
}
