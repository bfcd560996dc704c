using Microsoft.AspNetCore.Mvc;

namespace Orders.Api.Controllers
{
    [Route("[controller]/[action]")]
    public class HealthController : Controller
    {
        [HttpGet] // expect: entrypoints-dotnet
        public IActionResult Live() => Ok("live");

        [Route("ready")] // expect: entrypoints-dotnet
        public IActionResult Ready() => Ok("ready");
    }
}
