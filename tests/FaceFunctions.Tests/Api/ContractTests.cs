using System.Text.Json;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using Xunit;

namespace FaceFunctions.Tests.Api;

/// <summary>The HTTP contract's records: how System.Text.Json binds them, and the OpenAPI schemas generated from them.</summary>
public sealed class ContractTests
{
    private static (ComposeQuery? Query, IReadOnlyList<string>? Misfit) Bind(string json)
    {
        using var document = JsonDocument.Parse(json);
        var query = ContractJson.Read<ComposeQuery>(document.RootElement, out var misfit);
        return (query, misfit);
    }

    [Fact]
    public void A_compose_body_binds_a_value_as_weight_1_and_an_object_of_weights()
    {
        var (query, _) = Bind("""{"add": {"expression": "HA", "person": {"KA": 2, "KM": 0.5}}, "subtract": {"expression": "NE"}, "k": 3}""");
        Assert.Equal(1, query!.Add!["expression"]["HA"]);
        Assert.Equal((2, 0.5), (query.Add["person"]["KA"], query.Add["person"]["KM"]));
        Assert.Equal(1, query.Subtract!["expression"]["NE"]);
        Assert.Equal(3, query.K);
        Assert.Null(query.Filter);
    }

    [Theory]
    [InlineData("""{"add": {"person": "KA"}, "colour": 1}""", "Unknown property 'colour'; allowed: add, subtract, imageId, subtractPredicted, filter, k.")]
    [InlineData("""{"add": {"person": "KA"}, "Add": {"person": "KA"}}""", "Unknown property 'Add'")]
    [InlineData("""{"k": "5"}""", "k must be a whole number from 1 to 100")]
    [InlineData("""{"k": 2.5}""", "k must be a whole number from 1 to 100")]
    [InlineData("""{"add": {"expression": 3}}""", "Facet 'expression' in 'add' takes a value or an object of values to weights")]
    [InlineData("""{"subtract": {"expression": {"HA": "x"}}}""", "Facet 'expression' in 'subtract' takes a value")]
    [InlineData("""{"add": ["HA"]}""", "'add' must be an object of facet names")]
    [InlineData("""{"filter": {"expression": [1]}}""", "'filter' must be an object of facet names to arrays of one or more values")]
    [InlineData("""{"subtractPredicted": "expression"}""", "'subtractPredicted' must be an array of facet names from: person, expression.")]
    [InlineData("""[1, 2]""", "The query must be a JSON object")]
    public void What_does_not_bind_is_explained_by_the_member_it_is_in(string json, string says)
    {
        var (query, misfit) = Bind(json);
        Assert.Null(query);
        Assert.Contains(says, ComposeQuery.Explain(misfit!, ["person", "expression"], maxK: 100));
    }

    [Fact]
    public void Schemas_come_from_the_records_required_where_a_record_needs_the_member_nullable_through_allOf()
    {
        var schemas = OpenApiSchemas.All(new ServingOptions());
        var response = schemas["SearchResponse"]!;
        Assert.Equal(["modelVersion", "results"], response["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        var face = response["properties"]!["face"]!;
        Assert.Equal(("#/components/schemas/FaceResult", true), (face["allOf"]![0]!["$ref"]!.GetValue<string>(), face["nullable"]!.GetValue<bool>()));
        Assert.Equal("float", schemas["SearchResult"]!["properties"]!["score"]!["format"]!.GetValue<string>());
        Assert.Equal(["NothingPublished", "StorageUnavailable", "ModelRefused"],
            schemas["LoadError"]!["properties"]!["reason"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void The_request_refuses_members_it_does_not_have_and_responses_may_gain_some()
    {
        var schemas = OpenApiSchemas.All(new ServingOptions());
        Assert.False(schemas["ComposeQuery"]!["additionalProperties"]!.GetValue<bool>());
        Assert.Null(schemas["ComposeQuery"]!["required"]);
        Assert.All(new[] { "SearchResponse", "Labels", "Health", "ProblemDetails" }, name => Assert.Null(schemas[name]!["additionalProperties"]));
        Assert.Equal("#/components/schemas/FacetWeights", schemas["FacetTerms"]!["additionalProperties"]!["$ref"]!.GetValue<string>());
    }
}
