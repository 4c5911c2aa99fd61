namespace FaceFunctions.Imaging;

public enum ImageDecodeFailure
{
    /// <summary>Not an image format we decode (answered 415).</summary>
    UnsupportedFormat,
    /// <summary>A known format whose content is broken or truncated (answered 400).</summary>
    Corrupt,
    /// <summary>More pixels than the limit allows (answered 413).</summary>
    TooLarge,
}

public sealed class ImageDecodeException(ImageDecodeFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ImageDecodeFailure Failure { get; } = failure;
}
