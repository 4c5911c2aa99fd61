using System.Diagnostics;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Imaging;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>An uploaded image to its embedding, with the decoder's limits and a problem for each way it can fail.</summary>
public sealed class ImageEmbedding(IOptions<ServingOptions> options, ILogger<ImageEmbedding> logger)
{
    private readonly ImageDecoder _decoder = new(options.Value.MaxImagePixels);

    /// <summary>The unit-length embedding, or null with <paramref name="failure"/> saying why (400, 413, 415).</summary>
    public float[]? Embed(ServingModel model, byte[] image, out IActionResult? failure)
    {
        failure = null;
        var clock = Stopwatch.StartNew();
        try
        {
            using var decoded = _decoder.Decode(image);
            var decodeMs = clock.Elapsed.TotalMilliseconds;
            var vector = model.Embedder.Embed(decoded);
            logger.LogInformation("Embedded a {Width}x{Height} image with model {ModelVersion}: decode {DecodeMs:F1} ms, embed {EmbedMs:F1} ms.",
                decoded.Width, decoded.Height, model.Bundle.Version, decodeMs, clock.Elapsed.TotalMilliseconds - decodeMs);
            return vector;
        }
        catch (ImageDecodeException e)
        {
            failure = e.Failure switch
            {
                ImageDecodeFailure.UnsupportedFormat => Problems.UnsupportedMediaType(e.Message),
                ImageDecodeFailure.TooLarge => Problems.TooLarge(e.Message),
                _ => Problems.BadRequest(e.Message),
            };
            return null;
        }
    }
}
