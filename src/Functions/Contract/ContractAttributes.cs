using System.Text.Json.Nodes;

namespace FaceFunctions.Functions.Contract;

/// <summary>A type whose JSON has a converter of its own, and so says its schema itself.</summary>
public interface IHasJsonSchema
{
    static abstract JsonObject Schema { get; }
}

/// <summary>An array, or the arrays a map holds, have at least this many items.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinItemsAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}

/// <summary>How many results: from 1 to the deployment's Serving:MaxK, Serving:DefaultK when absent (<see cref="ResultCount"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ResultCountAttribute : Attribute;
