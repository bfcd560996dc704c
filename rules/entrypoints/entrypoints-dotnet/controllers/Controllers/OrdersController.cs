using Datadog.Trace;
using Microsoft.AspNetCore.Mvc;

namespace Orders.Api.Controllers;

[ApiController]
[Route("api/[controller]")]
public class OrdersController : ControllerBase
{
    private readonly IOrderStore _store;

    public OrdersController(IOrderStore store) => _store = store;

    [HttpGet] // expect: entrypoints-dotnet
    public IEnumerable<Order> List() => _store.All();

    [HttpGet("{id:int}", Name = "GetOrder")] // expect: entrypoints-dotnet
    public ActionResult<Order> Get(int id)
    {
        var order = _store.Find(id);
        return order is null ? NotFound() : Ok(order);
    }

    [HttpPost] // expect: entrypoints-dotnet
    [ProducesResponseType(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create([FromBody] Order order)
    {
        using (var scope = Tracer.Instance.StartActive("orders.create"))
        {
            await _store.AddAsync(order);
        }
        return CreatedAtRoute("GetOrder", new { id = order.Id }, order);
    }

    [HttpDelete("{id}"), Authorize(Roles = "admin")] // expect: entrypoints-dotnet
    public IActionResult Delete(int id)
    {
        _store.Remove(id);
        return NoContent();
    }

    [Microsoft.AspNetCore.Mvc.HttpPut("/internal/orders/{id}/status")] // expect: entrypoints-dotnet
    public IActionResult SetStatus(int id, [FromBody] string status) => NoContent();

    [NonAction]
    public void Helper() { }
}
