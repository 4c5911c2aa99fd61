using System.Diagnostics;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Imaging;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// An uploaded image to its embedding, with the decoder's limits and a problem for each way it can fail. At most
/// <see cref="ServingOptions.MaxConcurrentDecodes"/> images are decoded at once, so that the memory of the largest
/// images allowed is bounded by that many, whatever the number of requests (docs/bad-input.md measures it).
/// </summary>
public sealed class ImageEmbedding(IOptions<ServingOptions> options, ILogger<ImageEmbedding> logger) : IDisposable
{
    private readonly ImageDecoder _decoder = new(options.Value.MaxImagePixels);
    private readonly SemaphoreSlim _decodes = new(options.Value.DecodeSlots);

    /// <summary>The unit-length embedding, or null with <paramref name="failure"/> saying why (400, 413, 415).</summary>
    public async Task<(float[]? Vector, IActionResult? Failure)> EmbedAsync(ServingModel model, byte[] image, CancellationToken cancellationToken)
    {
        await _decodes.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            using var decoded = _decoder.Decode(image);
            var decodeMs = clock.Elapsed.TotalMilliseconds;
            var vector = model.Embedder.Embed(decoded);
            logger.LogInformation("Embedded a {Width}x{Height} image with model {ModelVersion}: decode {DecodeMs:F1} ms, embed {EmbedMs:F1} ms.",
                decoded.Width, decoded.Height, model.Bundle.Version, decodeMs, clock.Elapsed.TotalMilliseconds - decodeMs);
            return (vector, null);
        }
        catch (ImageDecodeException e)
        {
            return (null, e.Failure switch
            {
                ImageDecodeFailure.UnsupportedFormat => Problems.UnsupportedMediaType(e.Message),
                ImageDecodeFailure.TooLarge => Problems.TooLarge(e.Message),
                _ => Problems.BadRequest(e.Message),
            });
        }
        finally
        {
            _decodes.Release();
        }
    }

    public void Dispose() => _decodes.Dispose();
}
