using Google.Protobuf;
using Onnx;
using TorchSharp;

namespace FaceFunctions.TrainingJob.Export;

/// <summary>Collects ONNX nodes and weight initializers (opset 17) while modules describe themselves.</summary>
public sealed class OnnxGraphBuilder
{
    public const int Opset = 17;
    private readonly GraphProto _graph = new() { Name = "facefunctions" };
    private int _next;

    /// <summary>A fresh value name with a readable stem.</summary>
    public string Name(string stem) => $"{stem}_{_next++}";

    /// <summary>Adds a weight as a float initializer (copied from the tensor as it is now).</summary>
    public string Initializer(string stem, torch.Tensor tensor)
    {
        var name = Name(stem);
        var data = tensor.detach().cpu().contiguous().to_type(torch.ScalarType.Float32).data<float>().ToArray();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(tensor.shape);
        proto.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        _graph.Initializer.Add(proto);
        return name;
    }

    public string Scalar(string stem, float value) => Initializer(stem, torch.tensor(value));

    /// <summary>Adds a 1-d int64 initializer (shapes, axes, counts).</summary>
    public string Int64s(string stem, params long[] values)
    {
        var name = Name(stem);
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a node and returns its first output's name; <paramref name="outputs"/> names the outputs the operator requires (TopK's two).</summary>
    public string Node(string op, IEnumerable<string> inputs, params AttributeProto[] attributes) => Node(op, inputs, 1, attributes);

    public string Node(string op, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var output = Name(op.ToLowerInvariant());
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        for (var extra = 1; extra < outputs; extra++)
            node.Output.Add($"{output}_{extra}");
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>The finished model: input [batch, 3, size, size]; the last node's output, renamed, is [batch, dimensions].</summary>
    public byte[] Build(string input, int imageSize, string output, int dimensions)
    {
        _graph.Input.Add(Value(input, "batch", 3, imageSize, imageSize));
        var final = _graph.Node[^1];
        final.Output[0] = output;
        _graph.Output.Add(Value(output, "batch", dimensions));
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "FaceFunctions.TrainingJob",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name, string batch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (var d in dims)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}

/// <summary>A module that can write itself into an ONNX graph: takes the input's name, returns the output's.</summary>
public interface IOnnxExportable
{
    string ExportTo(OnnxGraphBuilder graph, string input);
}
