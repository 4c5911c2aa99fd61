using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using FaceFunctions.Functions.Serving;

namespace FaceFunctions.Functions.Contract;

/// <summary>The answer of GET /api/health while a model serves.</summary>
public sealed record Health(
    [property: Description("\"ok\" when a model serves.")] string Status,
    [property: Description("The model that serves.")] string ModelVersion,
    DateTimeOffset LoadedAtUtc,
    [property: Description("Gallery images searched: the trained ones not erased, and those added since."), Range(0, int.MaxValue)] int GalleryCount,
    [property: Description("The embedding's size."), Range(1, int.MaxValue)] int Dimensions,
    [property: Description("Where ONNX Runtime runs the model (CPU, CUDA).")] string ExecutionProvider,
    [property: Description("What is wrong now; null when the published model serves.")] LoadError? LastLoadError = null);

/// <summary>What is wrong now while an older model serves: a kind and since when, never paths or storage errors (those are in the log).</summary>
[Description("What is wrong now while an older model serves.")]
public sealed record LoadError(
    [property: JsonConverter(typeof(JsonStringEnumConverter<LoadFailureKind>))] LoadFailureKind Reason,
    [property: Description("What is wrong.")] string Message,
    DateTimeOffset SinceUtc);
