using FaceFunctions.Artifacts;
using System.Numerics.Tensors;
using FaceFunctions.TrainingJob.Export;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;
using FaceFunctions.Vectors;
using TorchSharp;
using FaceFunctions.Tests.Infrastructure;
using Xunit;

namespace FaceFunctions.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class NetworkExportTests
{
    public static TheoryData<Backbone, int?> Networks => new()
    {
        { Backbone.MobileNetV2, null },
        { Backbone.ResNet18, null },
        { Backbone.ResNet18, 16 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void The_onnx_export_computes_what_torchsharp_computes(Backbone backbone, int? head)
    {
        torch.random.manual_seed(5);
        using var network = new EmbeddingNetwork(Backbones.Create(backbone, 0.25, weights: backbone == Backbone.ResNet18 ? "none" : null), head);
        network.eval();
        var preprocessing = network.Backbone.Preprocessing(32);
        var onnx = OnnxExporter.Export(network, preprocessing);
        using var batch = torch.randn(3, 3, 32, 32);
        var (embeddings, raw) = OnnxExporter.MaxAbsDifference(network, onnx, preprocessing, batch);
        Assert.InRange(embeddings, 0, OnnxExporter.Tolerance);
        Assert.InRange(raw, 0, 1e-3);
        Assert.Equal(head ?? network.Backbone.Dimensions, network.Dimensions);
    }

    [Fact]
    public void The_imagenet_resnet18_loads_to_compute_what_the_packaged_onnx_computes()
    {
        // The package's network reads BGR 224x224 minus channel means; ours reads RGB with the stem flipped on load.
        torch.random.manual_seed(1);
        using var ours = Backbones.Create(Backbone.ResNet18, 1.0, weights: null);
        ours.eval();
        using var rgb = torch.rand(1, 3, 224, 224) * 60 - 30;
        float[] expected;
        using (torch.no_grad())
        using (var output = ours.forward(rgb))
            expected = output.data<float>().ToArray();
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Backbones.PretrainedResNet18Path);
        using var bgr = rgb.flip(1).contiguous();
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(bgr.data<float>().ToArray(), [1, 3, 224, 224]);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        var actual = results.Single().AsTensor<float>().ToArray();
        Assert.Equal(512, actual.Length);
        var scale = actual.Max(Math.Abs);
        Assert.True(scale > 0.01f, "the features are not all zero");
        Assert.InRange(expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) / scale, 0, 1e-4);
    }

    [Fact]
    public void A_pytorch_state_dict_with_torchvision_names_loads_into_mobilenet_v2()
    {
        using var folder = new TempFolder();
        torch.random.manual_seed(3);
        using var source = new MobileNetV2Embedder(widthMultiplier: 0.25);
        // Written as torch.save(torchvision_model.state_dict()) writes it: torchvision's names, plus its classifier.
        var state = new System.Collections.Hashtable();
        foreach (var (key, tensor) in source.state_dict())
            state[TorchvisionNames.MobileNetV2(key, source.Expands)!] = tensor;
        state["classifier.1.weight"] = torch.zeros(1000, source.Dimensions);
        Assert.Contains("features.1.conv.0.0.weight", state.Keys.Cast<string>());
        Assert.Contains("features.2.conv.3.running_var", state.Keys.Cast<string>());
        Assert.Contains("features.18.1.bias", state.Keys.Cast<string>());
        var path = folder.File("mobilenet_v2.pth");
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(path, state);

        using var loaded = Backbones.Create(Backbone.MobileNetV2, 0.25, path);
        source.eval();
        loaded.eval();
        using var batch = torch.randn(2, 3, 32, 32);
        using var _ = torch.no_grad();
        Assert.Equal(source.forward(batch).data<float>().ToArray(), loaded.forward(batch).data<float>().ToArray());
        var wrongWidth = Assert.Throws<ArgumentException>(() => Backbones.Create(Backbone.MobileNetV2, 0.5, path));
        Assert.Contains("not a torchvision mobilenet_v2 state dict of this width", wrongWidth.Message);
    }

    [Fact]
    public void Composition_loss_classifies_against_every_combination_and_learns()
    {
        torch.random.manual_seed(2);
        int[][] labels = [[0, 0], [0, 1], [1, 0], [1, 2]];
        using var loss = new CompositionLoss([2, 3], labels, 8, new CompositionTerms(), torch.CPU);
        Assert.Equal(6, loss.Cells.Count);
        using var embeddings = torch.nn.functional.normalize(torch.rand(4, 8), 2, 1);
        using var targets = LabelTensor(labels);
        var optimizer = torch.optim.Adam(loss.parameters(), 0.05);
        var first = loss.forward(embeddings, targets).item<float>();
        for (var step = 0; step < 50; step++)
        {
            optimizer.zero_grad();
            using var value = loss.forward(embeddings, targets);
            value.backward();
            optimizer.step();
        }
        Assert.True(loss.forward(embeddings, targets).item<float>() < first * 0.8, "the facet vectors learn");
    }

    private static torch.Tensor LabelTensor(int[][] labels) =>
        torch.tensor(labels.SelectMany(l => l.Select(v => (long)v)).ToArray(), [labels.Length, labels[0].Length]);

    [Fact]
    public void An_image_without_a_value_on_a_facet_is_right_in_any_cell_that_has_the_values_it_carries()
    {
        using var embedding = torch.nn.functional.normalize(torch.rand(1, 8), 2, 1);
        double Loss(double transformWeight, int person, int expression)
        {
            torch.random.manual_seed(5); // the same value vectors every time
            using var loss = new CompositionLoss([2, 3], [[0, 0], [1, 2]], 8, new CompositionTerms(TransformWeight: transformWeight), torch.CPU);
            using var labels = LabelTensor([[person, expression]]);
            using var value = loss.forward(embedding, labels);
            return value.item<float>();
        }
        // The probability of "person 1, any expression" is the sum of the probabilities of its three cells.
        Assert.Equal(Enumerable.Range(0, 3).Sum(e => Math.Exp(-Loss(0, 1, e))), Math.Exp(-Loss(0, 1, -1)), 5);
        Assert.True(Loss(0, 1, -1) < Enumerable.Range(0, 3).Min(e => Loss(0, 1, e)));
        // The transform term moves images between cells: one without a cell adds nothing to it.
        Assert.Equal(Loss(0, 1, -1), Loss(1, 1, -1), 6);
        Assert.NotEqual(Loss(0, 1, 2), Loss(1, 1, 2));
        Assert.Equal(0, Loss(0, -1, -1), 5); // no value at all: every cell is right, nothing to learn
    }

    [Fact]
    public void The_transform_term_trains_an_image_minus_its_value_plus_another_to_land_in_that_cell_seen_or_not()
    {
        torch.random.manual_seed(4);
        // Three facets, so a wrong stride for any of them would send moved images to the wrong cells.
        int[][] labels = [[0, 0, 0], [0, 1, 1], [1, 2, 0], [1, 0, 1], [0, 2, 1]];
        int[] counts = [2, 3, 2];
        using var loss = new CompositionLoss(counts, labels, 16, new CompositionTerms(TransformWeight: 1), torch.CPU);
        var embeddings = new TorchSharp.Modules.Parameter(torch.rand(labels.Length, 16));
        using var targets = LabelTensor(labels);
        var optimizer = torch.optim.Adam(loss.parameters().Append(embeddings), 0.05);
        for (var step = 0; step < 300; step++)
        {
            optimizer.zero_grad();
            using var value = loss.forward(torch.nn.functional.normalize(torch.nn.functional.relu(embeddings), 2, 1), targets);
            value.backward();
            optimizer.step();
        }
        var vectors = loss.ValueVectors();
        ReadOnlyMemory<float> Unit(int facet, int value) => vectors[facet].AsMemory(value * 16, 16);
        using var trained = torch.nn.functional.normalize(torch.nn.functional.relu(embeddings), 2, 1);
        var queries = loss.Cells.Select(c => VectorMath.Compose(c.Select((v, f) => (Unit(f, v), 1f)), 16)).ToList();
        for (var image = 0; image < labels.Length; image++)
        for (var facet = 0; facet < counts.Length; facet++)
        for (var value = 0; value < counts[facet]; value++)
        {
            if (value == labels[image][facet]) continue;
            ReadOnlyMemory<float> embedding = trained[image].data<float>().ToArray();
            var moved = VectorMath.Compose([(embedding, 1f), (Unit(facet, labels[image][facet]), -1f), (Unit(facet, value), 1f)], 16);
            var landed = loss.Cells[queries.Select(q => TensorPrimitives.Dot(q, moved)).Select((s, i) => (s, i)).Max().i];
            var expected = labels[image].ToArray();
            expected[facet] = value;
            Assert.Equal(expected, landed);
        }
    }

    [Fact]
    public void Past_the_limit_of_combinations_only_seen_cells_are_classified_and_the_transform_term_is_left_out()
    {
        Assert.True(CompositionLoss.TransformTermFits([100, 100]));
        Assert.False(CompositionLoss.TransformTermFits([101, 100]));
        int[][] labels = [[0, 0], [100, 99], [3, 7]];
        float LossWith(double transformWeight)
        {
            torch.random.manual_seed(6); // the same value vectors and embeddings for both
            using var loss = new CompositionLoss([101, 100], labels, 8, new CompositionTerms(TransformWeight: transformWeight), torch.CPU);
            Assert.Equal(labels, loss.Cells);
            using var embeddings = torch.nn.functional.normalize(torch.rand(labels.Length, 8), 2, 1);
            using var targets = LabelTensor(labels);
            using var value = loss.forward(embeddings, targets);
            return value.item<float>();
        }
        Assert.Equal(LossWith(0), LossWith(1));
    }

    [Fact]
    public void Learned_value_vectors_compose_into_the_query_each_image_was_trained_to_match()
    {
        torch.random.manual_seed(3);
        int[][] labels = [[0, 0], [1, 2]];
        using var loss = new CompositionLoss([2, 3], labels, 8, new CompositionTerms(), torch.CPU);
        var vectors = loss.ValueVectors();
        Assert.Equal([16, 24], vectors.Select(v => v.Length));
        foreach (var (facet, count) in new[] { (0, 2), (1, 3) })
        for (var value = 0; value < count; value++)
            Assert.Equal(1f, TensorPrimitives.Norm(vectors[facet].AsSpan(value * 8, 8)), 4);
        // An image embedded exactly at a cell's composed query is classified there with the lowest loss of any cell.
        for (var at = 0; at < loss.Cells.Count; at++)
        {
            var cell = loss.Cells[at];
            var query = VectorMath.Compose([(vectors[0].AsMemory(cell[0] * 8, 8), 1f), (vectors[1].AsMemory(cell[1] * 8, 8), 1f)], 8);
            using var embedding = torch.tensor(query, [1, 8]);
            var losses = Enumerable.Range(0, loss.Cells.Count)
                .Select(c => { using var target = LabelTensor([loss.Cells[c]]); return loss.forward(embedding, target).item<float>(); })
                .ToList();
            Assert.Equal(at, losses.IndexOf(losses.Min()));
        }
    }
}
