using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;

namespace FaceFunctions.LocalHost;

/// <summary>
/// Serves [Function] methods with [HttpTrigger] parameters on the routes and methods the Functions host would use
/// ("api/" + Route), so the very same function classes answer without the Functions host. Every trigger is anonymous
/// to the host: the functions check credentials themselves (<see cref="FaceFunctions.Functions.Access.CallerGate"/>),
/// so both hosts admit alike.
/// </summary>
public static class FunctionEndpoints
{
    public const string RoutePrefix = "api";

    public sealed record FunctionRoute(string Name, string Route, IReadOnlyList<string> Methods, Type Type, MethodInfo Method);

    public static IReadOnlyList<FunctionRoute> Discover(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(m => (Type: t, Method: m)))
            .Select(p => (p.Type, p.Method, Function: p.Method.GetCustomAttribute<FunctionAttribute>(),
                Trigger: p.Method.GetParameters().Select(x => x.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(p => p.Function is not null && p.Trigger is not null)
            .Select(p => new FunctionRoute(p.Function!.Name, $"{RoutePrefix}/{p.Trigger!.Route}",
                p.Trigger.Methods!.Select(m => m.ToUpperInvariant()).ToList(), p.Type, p.Method))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();

    public static void MapFunctions(this IEndpointRouteBuilder endpoints, Assembly assembly)
    {
        foreach (var function in Discover(assembly))
            endpoints.MapMethods("/" + function.Route, function.Methods, context => InvokeAsync(function, context))
                .WithName(function.Name);
    }

    private static async Task InvokeAsync(FunctionRoute function, HttpContext context)
    {
        var instance = ActivatorUtilities.CreateInstance(context.RequestServices, function.Type);
        var arguments = function.Method.GetParameters().Select(object? (p) => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            var t when t == typeof(string) => context.GetRouteValue(p.Name!)?.ToString(),
            _ => throw new InvalidOperationException($"{function.Name}: the local host cannot bind parameter '{p.Name}' of type {p.ParameterType}."),
        }).ToArray();
        var returned = function.Method.Invoke(instance, arguments);
        var result = returned switch
        {
            Task<IActionResult> task => await task,
            IActionResult direct => direct,
            _ => throw new InvalidOperationException($"{function.Name} must return IActionResult or Task<IActionResult>."),
        };
        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }
}
