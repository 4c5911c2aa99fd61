using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace FaceFunctions.Functions.Contract;

/// <summary>The answer of GET /api/labels: the served model's facets and the values each can take.</summary>
public sealed record Labels(
    [property: Description("The model that answered.")] string ModelVersion,
    IReadOnlyList<Facet> Facets);

public sealed record Facet(
    [property: Description("The facet's name.")] string Name,
    IReadOnlyList<FacetValue> Values);

public sealed record FacetValue(
    [property: Description("The value.")] string Value,
    [property: Description("Gallery images with this value."), Range(0, int.MaxValue)] int Images);
