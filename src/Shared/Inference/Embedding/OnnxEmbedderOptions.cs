namespace FaceFunctions.Embedding;

public sealed class OnnxEmbedderOptions
{
    /// <summary>Threads one inference may use; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Try the CUDA execution provider. Takes effect only in builds with -p:OnnxRuntimeGpu=true; where CUDA cannot be
    /// loaded the session falls back to CPU with a logged warning.
    /// </summary>
    public bool UseCuda { get; set; } = true;
}
