using FaceFunctions.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFaceFunctions(builder.Configuration);
builder.Services.AddWorkerTelemetry(builder.Configuration);
builder.Build().Run();
