using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Evaluation;
using FaceFunctions.TrainingJob.Export;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FaceFunctions.Tests.Training;

/// <summary>The original experiment's recipe (issue 29): its weights, its features, its protocol, and that it trains.</summary>
[Collection(TorchCollection.Name)]
public sealed class OriginalExperimentTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Features_are_the_lower_median_over_width_then_height_scaled_by_min_and_max()
    {
        // Channel 0: rows [1 5 3 7] and [2 2 8 0] have lower medians 3 and 2, whose lower median is 2; channel 1 is 10
        // everywhere; channel 2 is -4 everywhere. Then (x - min) / max = (x + 4) / 10, and nothing is negative.
        float[] values = [1, 5, 3, 7, 2, 2, 8, 0, .. Enumerable.Repeat(10f, 8), .. Enumerable.Repeat(-4f, 8)];
        using var map = tensor(values, [1, 3, 2, 4]);
        using var features = SpatialMedian.Of(map);
        AssertClose([0.6f, 1.4f, 0f], features.data<float>().ToArray(), 1e-6f);
    }

    [Fact]
    public void Numpys_median_takes_the_height_first_and_the_mean_of_the_two_middle_values()
    {
        // The same map as numpy reduces it: np.median(X, axis=2) over the height gives channel 0's columns (1, 2),
        // (5, 2), (3, 8), (7, 0) as 1.5, 3.5, 5.5, 3.5; their median (np.median(..., axis=2) again, over the width) is
        // the mean of 3.5 and 3.5. Then (x + 4) / 10 as above.
        float[] values = [1, 5, 3, 7, 2, 2, 8, 0, .. Enumerable.Repeat(10f, 8), .. Enumerable.Repeat(-4f, 8)];
        using var map = tensor(values, [1, 3, 2, 4]);
        using var features = SpatialMedian.Of(map, MedianRule.Numpy);
        AssertClose([0.75f, 1.4f, 0f], features.data<float>().ToArray(), 1e-6f);
        // An order that matters: rows [0 0 9] and [9 9 0] over 2 x 3. Height first: columns 4.5, 4.5, 4.5, so 4.5;
        // width first (torch's order): the rows' lower medians 0 and 9, whose lower median is 0.
        using var ordered = tensor(new float[] { 0, 0, 9, 9, 9, 0, 1, 1, 1, 1, 1, 1 }, [1, 2, 2, 3]);
        using var numpy = SpatialMedian.Of(ordered, MedianRule.Numpy);
        using var lower = SpatialMedian.Of(ordered, MedianRule.Lower);
        AssertClose([(4.5f - 1f) / 4.5f, 0f], numpy.data<float>().ToArray(), 1e-6f);
        AssertClose([0f, 1f], lower.data<float>().ToArray(), 1e-6f);
    }

    [Fact]
    public void Per_image_statistics_embed_each_image_as_a_training_mode_network_does_a_batch_of_one()
    {
        // The notebook embedded its gallery one image at a time with the network still in training mode: every
        // BatchNorm normalised by that image's statistics. Per-image embedding does so in evaluation mode, whatever
        // else is in the batch, and not as the running averages would.
        // In double precision: a random narrow network's 2 x 2 maps have channels of almost no variance, which the
        // normalisation magnifies float32's rounding in (the exported models of trained networks differ by 1e-7).
        random.manual_seed(5);
        using var network = new EmbeddingNetwork(new MobileNetV2Embedder(widthMultiplier: 0.25), headDimensions: 6,
            new EmbeddingRule(EmbeddingReadout.FeatureMapMedian, MedianRule.Numpy, EmbeddingNorm.PerImage));
        network.to(float64);
        using var batch = rand(3, 3, 64, 64, dtype: float64);
        float[] alone;
        using (no_grad())
        {
            network.train();
            using var one = network.Embed(batch.narrow(0, 1, 1));
            alone = one.to(float32).data<float>().ToArray();
        }
        network.eval();
        float[] inBatch;
        using (no_grad())
        using (var all = network.Embed(batch))
            inBatch = all.narrow(0, 1, 1).to(float32).data<float>().ToArray();
        AssertClose(alone, inBatch, 1e-6f);
        using var running = new EmbeddingNetwork(new MobileNetV2Embedder(widthMultiplier: 0.25), headDimensions: 6,
            new EmbeddingRule(EmbeddingReadout.FeatureMapMedian, MedianRule.Numpy));
        running.to(float64);
        running.load_state_dict(network.state_dict());
        running.eval();
        using (no_grad())
        using (var byAverages = running.Embed(batch.narrow(0, 1, 1)))
            Assert.True(alone.Zip(byAverages.to(float32).data<float>().ToArray()).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    [Theory]
    [InlineData(64, MedianRule.Lower, EmbeddingNorm.Running)] // a 2 x 2 map: an even count
    [InlineData(96, MedianRule.Lower, EmbeddingNorm.Running)] // 3 x 3: an odd count
    [InlineData(64, MedianRule.Numpy, EmbeddingNorm.Running)] // numpy's median of an even count, in ONNX Runtime as in TorchSharp
    [InlineData(96, MedianRule.Numpy, EmbeddingNorm.Running)]
    public void The_exported_readout_computes_the_features_and_serving_makes_them_non_negative_and_unit_length(int size, MedianRule median, EmbeddingNorm norm)
    {
        random.manual_seed(3);
        using var network = new EmbeddingNetwork(new MobileNetV2Embedder(widthMultiplier: 0.25), headDimensions: 6,
            new EmbeddingRule(EmbeddingReadout.FeatureMapMedian, median, norm));
        var preprocessing = network.Backbone.Preprocessing(size);
        using var batch = randn(4, 3, size, size);
        var check = OnnxExporter.ExportChecked(network, preprocessing, batch);
        Assert.InRange(check.RawDifference, 0, 1e-5);
        Assert.Equal(network.Backbone.Dimensions, network.Dimensions); // the index holds the feature map's channels, not the 6 the loss sees
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(size + 10, size);
        using var embedder = new OnnxEmbedder(check.Onnx, preprocessing, new OnnxEmbedderOptions { UseCuda = false }, NullLogger.Instance);
        var vector = embedder.Embed(image);
        Assert.Equal(network.Dimensions, vector.Length);
        Assert.All(vector, v => Assert.True(v >= 0));
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);
    }

    [StandInWeightsFact]
    public void The_notebooks_embedding_exports_to_onnx_runtime_as_torchsharp_computes_it()
    {
        // Per-image statistics (InstanceNormalization in the graph) and numpy's median on the ImageNet stand-in and
        // drawn faces in [0, 1]: a random network's nearly constant channels would magnify float32's rounding instead.
        using var network = new EmbeddingNetwork(Backbones.Create(Backbone.MobileNetV2, 1.0, StandInWeights.File), headDimensions: 6,
            new EmbeddingRule(EmbeddingReadout.FeatureMapMedian, MedianRule.Numpy, EmbeddingNorm.PerImage));
        var preprocessing = InputScale.Unit.Apply(network.Backbone.Preprocessing(128));
        using var input = Inputs(DrawnFaces(128).Images.Take(4).ToList(), preprocessing);
        network.Backbone.SpreadFoldedNorms(input);
        var check = OnnxExporter.ExportChecked(network, preprocessing, input);
        Assert.InRange(check.RawDifference, 0, 1e-5);
        var graph = ModelProto.Parser.ParseFrom(check.Onnx).Graph.Node.Select(n => n.OpType).ToList();
        Assert.Equal(52, graph.Count(op => op == "InstanceNormalization"));
        Assert.DoesNotContain("BatchNormalization", graph);
    }

    [StandInWeightsFact]
    public void The_stand_in_weights_load_dequantised_and_compute_what_the_quantised_file_computes()
    {
        using var backbone = (MobileNetV2Embedder)Backbones.Create(Backbone.MobileNetV2, 1.0, StandInWeights.File);
        backbone.eval();
        var preprocessing = backbone.Preprocessing(224);
        var faces = DrawnFaces(224);
        using var input = Inputs(faces.Images.Take(4).ToList(), preprocessing);
        float[] ours;
        using (no_grad())
        using (var pooled = backbone.forward(input))
            ours = pooled.data<float>().ToArray();
        var theirs = PooledByTheQuantisedFile(input);
        // The file also quantises every activation to 8 bits; the dequantised weights in float cannot match it exactly.
        for (var image = 0; image < 4; image++)
            Assert.InRange(Cosine(ours.AsSpan(image * 1280, 1280), theirs.AsSpan(image * 1280, 1280)), 0.95, 1.0);

        // Spreading the folded BatchNorm out over images' statistics leaves what the network computes as it was.
        backbone.SpreadFoldedNorms(input);
        using (no_grad())
        using (var spread = backbone.forward(input))
            AssertClose(ours, spread.data<float>().ToArray(), 1e-3f);
        Assert.DoesNotContain(backbone.Convolutions, layer => layer.Folded);
    }

    [Fact]
    public void A_weights_file_whose_name_says_the_stand_in_but_whose_bytes_differ_is_refused()
    {
        var impostor = _folder.File(WeightFiles.QuantisedMobileNetV2);
        File.WriteAllBytes(impostor, [1, 2, 3]);
        var error = Assert.Throws<ArgumentException>(() => Backbones.Create(Backbone.MobileNetV2, 1.0, impostor));
        Assert.Contains(WeightFiles.QuantisedMobileNetV2Sha256, error.Message);
    }

    [Fact]
    public void An_onnx_weights_file_of_another_network_is_refused_naming_what_does_not_fit()
    {
        // The ImageNet ResNet18 the build ships: a float ONNX file with other convolutions than mobilenet_v2's.
        var error = Assert.Throws<ArgumentException>(() => Backbones.Create(Backbone.MobileNetV2, 1.0, Backbones.PretrainedResNet18Path));
        Assert.Contains("convolutions; mobilenet_v2 at this width has 52", error.Message);
    }

    [StandInWeightsFact]
    public void The_recipe_trains_on_one_image_a_cell_with_a_classifier_of_one_output_a_cell_and_indexes_the_feature_map()
    {
        var faces = DrawnFaces(64);
        var cells = faces.ByCell().Count;
        var options = Recipe.OriginalExperiment.Options().ForCells(cells) with
        {
            Weights = StandInWeights.File, Epochs = 2, ImageSize = 64, Device = ComputeDevice.Cpu,
        };
        Assert.Equal(cells, options.HeadDimensions);
        var trainImages = faces.ImagesThatTrain(options.TrainOn);
        Assert.Equal(cells, trainImages.Count);
        var model = TrainStage.Train(faces, trainImages, options, null, CancellationToken.None);
        Assert.Equal(2, model.Losses.Count);
        Assert.All(model.Losses, loss => Assert.True(double.IsFinite(loss) && loss > 0));
        Assert.Equal(1280, model.Dimensions);
        Assert.Equal(ImageFit.Stretch, model.Preprocessing.Resize);
        Assert.Null(model.Preprocessing.Face);
        // The notebook's points: input in [0, 1] (recorded, so serving feeds the same), each image's own statistics in
        // every normalisation of the exported graph, numpy's median, the positive drawn from every image.
        Assert.Equal([0f, 0f, 0f], model.Preprocessing.Mean);
        Assert.Equal([1f, 1f, 1f], model.Preprocessing.Std);
        var graph = ModelProto.Parser.ParseFrom(model.Onnx).Graph.Node.Select(n => n.OpType).ToList();
        Assert.Contains("InstanceNormalization", graph);
        Assert.DoesNotContain("BatchNormalization", graph);
        Assert.Equal((MedianRule.Numpy, TripletPositive.Any), (options.Median, options.TripletPositive));
        var set = ModelEvaluator.Embed(faces, model.Onnx, model.Preprocessing, new ImageDecoder(), trainImages.Select(i => i.Id).ToHashSet());
        var result = Protocols.ExperimentProtocol(set, seed: 1);
        Assert.Equal(Protocols.ExperimentDraws, result.Queries);
        Assert.NotNull(result.Chance);
    }

    [Fact]
    public async Task The_recipe_without_weights_is_refused_before_anything_runs()
    {
        var (code, _, error) = await TrainingJobCommand.RunAsync("train", "--data", DatasetSource.Synthetic, "--output", _folder.File("model"),
            "--recipe", "original-experiment");
        Assert.NotEqual(0, code);
        Assert.Contains("--weights", error);
        Assert.False(Directory.Exists(_folder.File("model")));
    }

    private LabelledDataset DrawnFaces(int size)
    {
        var folder = _folder.File($"faces-{size}");
        SyntheticFaces.Write(folder, new SyntheticFacesOptions { Persons = 3, VariantsPerCell = 2, Size = size });
        return DatasetReader.Read(folder);
    }

    private static Tensor Inputs(IReadOnlyList<LabelledImage> images, Preprocessing preprocessing)
    {
        var decoder = new ImageDecoder();
        var values = images.SelectMany(i =>
        {
            using var image = decoder.Decode(i.Path);
            return preprocessing.Apply(image);
        }).ToArray();
        return tensor(values, [images.Count, 3, preprocessing.ImageSize, preprocessing.ImageSize]);
    }

    /// <summary>
    /// The quantised file's own pooled features: its GlobalAveragePool's output, made a graph output, run by ONNX
    /// Runtime. Its first convolution reads the input itself rather than the input quantised: the file quantises the
    /// input in steps of 1.08 (calibrated, it seems, on unnormalised pixels), which leaves the normalised images the
    /// network was trained on (about -2 to 2.6) five levels, and its features 0.78 in cosine from the float network's.
    /// </summary>
    private static float[] PooledByTheQuantisedFile(Tensor input)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(StandInWeights.File));
        var inputName = model.Graph.Input.Single().Name;
        var quantisedInput = model.Graph.Node.Single(n => n.OpType == "DequantizeLinear" && n.Input[0].StartsWith(inputName + "_", StringComparison.Ordinal)).Output[0];
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "Conv" && n.Input[0] == quantisedInput))
            node.Input[0] = inputName;
        var pooled = model.Graph.Node.Single(n => n.OpType == "GlobalAveragePool").Output[0];
        model.Graph.Output.Add(new ValueInfoProto { Name = pooled });
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        var values = input.contiguous().data<float>().ToArray();
        var results = new List<float>();
        for (var image = 0; image < input.shape[0]; image++)
        {
            var one = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(values.AsMemory(image * 3 * 224 * 224, 3 * 224 * 224), [1, 3, 224, 224]);
            using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), one)], [pooled]);
            results.AddRange(outputs.Single().AsTensor<float>());
        }
        return results.ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), pair => Assert.InRange(pair.Second, pair.First - tolerance, pair.First + tolerance));
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
            (dot, aa, bb) = (dot + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]);
        return dot / Math.Sqrt(aa * bb);
    }

    public void Dispose() => _folder.Dispose();
}
