using Onnx;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>Weights stored in ONNX files, as float32 tensors, for the loaders of pretrained backbones.</summary>
internal static class OnnxInitializers
{
    /// <summary>A stored tensor as float32, whatever integer or float type it was stored in.</summary>
    public static Tensor Read(TensorProto proto, string path)
    {
        var shape = proto.Dims.ToArray();
        var raw = proto.RawData.Span;
        float[] values = (TensorProto.Types.DataType)proto.DataType switch
        {
            TensorProto.Types.DataType.Float when proto.FloatData.Count > 0 => proto.FloatData.ToArray(),
            TensorProto.Types.DataType.Float => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).ToArray(),
            TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Int32 when proto.Int32Data.Count > 0 =>
                proto.Int32Data.Select(v => (float)v).ToArray(),
            TensorProto.Types.DataType.Int8 => raw.ToArray().Select(b => (float)(sbyte)b).ToArray(),
            TensorProto.Types.DataType.Uint8 => raw.ToArray().Select(b => (float)b).ToArray(),
            TensorProto.Types.DataType.Int32 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(v => (float)v).ToArray(),
            var other => throw new ArgumentException($"{path}: {proto.Name} is stored as {other}, which this reader does not take."),
        };
        if (values.Length != shape.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"{path}: {proto.Name} holds {values.Length} values for shape {string.Join('x', shape)}.");
        return tensor(values, shape);
    }
}
