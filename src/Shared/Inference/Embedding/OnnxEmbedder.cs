using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.Vectors;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.Embedding;

/// <summary>
/// Images to embeddings through one shared ONNX Runtime session (Run is thread-safe): preprocessing from the model's
/// record, then the network, then non-negative unit length. Training embeds its gallery with this class, exactly as
/// serving embeds a query image.
/// </summary>
public sealed class OnnxEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly NetworkInput _input;

    public OnnxEmbedder(byte[] model, Preprocessing preprocessing, OnnxEmbedderOptions options, ILogger logger)
    {
        Preprocessing = preprocessing;
        _input = new NetworkInput(preprocessing);
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads };
        ExecutionProvider = "CPU";
#if ONNXRUNTIME_GPU
        if (options.UseCuda)
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA();
                ExecutionProvider = "CUDA";
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                logger.LogWarning(e, "CUDA execution provider unavailable; ONNX Runtime runs on CPU.");
            }
        }
#endif
        _session = new InferenceSession(model, sessionOptions);
        _inputName = _session.InputMetadata.Keys.Single();
        var output = _session.OutputMetadata.Values.Single();
        Dimensions = output.Dimensions[^1];
        logger.LogInformation("ONNX model loaded: {Dimensions}-d embeddings, input {Size}px, {Provider}.",
            Dimensions, preprocessing.ImageSize, ExecutionProvider);
    }

    public Preprocessing Preprocessing { get; }
    public int Dimensions { get; }
    public string ExecutionProvider { get; }

    /// <summary>The network's raw outputs for <paramref name="count"/> preprocessed CHW images, row-major [count, Dimensions].</summary>
    public float[] Run(float[] inputs, int count)
    {
        var size = Preprocessing.ImageSize;
        var tensor = new DenseTensor<float>(inputs, [count, 3, size, size]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_inputName, tensor)]);
        return results.Single().AsTensor<float>().ToArray();
    }

    /// <summary>
    /// Runs the network once on a blank image: a model that does not take this preprocessing's input, or whose output
    /// is not <paramref name="dimensions"/> finite values (its gallery's), must not serve.
    /// </summary>
    /// <exception cref="ModelIntegrityException">The model and its gallery do not fit.</exception>
    public void Verify(int dimensions)
    {
        float[] output;
        try
        {
            output = Run(new float[Preprocessing.ValuesPerImage], 1);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelIntegrityException($"The model does not run on a {Preprocessing.ImageSize}px RGB image: {e.Message}", e);
        }
        if (output.Length != dimensions || Dimensions != dimensions)
            throw new ModelIntegrityException($"The model outputs {output.Length} dimensions; its gallery has {dimensions}.");
        if (!output.All(float.IsFinite))
            throw new ModelIntegrityException("The model's output on a blank image is not finite.");
    }

    /// <summary>Unit-length, non-negative embeddings of the images, row-major [images.Count, Dimensions].</summary>
    /// <exception cref="NoFaceException">The model's face step found no face in one of them.</exception>
    public float[] Embed(IReadOnlyList<Image<Rgb24>> images)
    {
        var per = Preprocessing.ValuesPerImage;
        var inputs = new float[images.Count * per];
        for (var i = 0; i < images.Count; i++)
            _input.Write(images[i], inputs.AsSpan(i * per, per));
        return Normalised(Run(inputs, images.Count), images.Count);
    }

    public float[] Embed(Image<Rgb24> image) => Embed([image]);

    /// <summary>A query image's embedding, and what the face step found (null when the model has none).</summary>
    /// <exception cref="NoFaceException">No face was found, and <paramref name="wholeImageIfNoFace"/> is false.</exception>
    public (float[] Vector, FaceUse? Face) EmbedQuery(Image<Rgb24> image, bool wholeImageIfNoFace)
    {
        var inputs = new float[Preprocessing.ValuesPerImage];
        var face = _input.Write(image, inputs, wholeImageIfNoFace);
        return (Normalised(Run(inputs, 1), 1), face);
    }

    private float[] Normalised(float[] vectors, int count)
    {
        for (var i = 0; i < count; i++)
            VectorMath.NonNegativeL2Normalize(vectors.AsSpan(i * Dimensions, Dimensions));
        return vectors;
    }

    public void Dispose()
    {
        _session.Dispose();
        _input.Dispose();
    }
}
