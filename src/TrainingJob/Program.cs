using System.CommandLine;
using FaceFunctions.Artifacts;
using FaceFunctions.Datasets;
using FaceFunctions.TrainingJob.Evaluation;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;
using Microsoft.Extensions.DependencyInjection;

// Storage options fall back to the environment (Storage__ConnectionString, Storage__ServiceUri, ...) so that the
// container job is configured the way the function app is.
var data = new Option<string>("--data") { Description = "Dataset folder, blob:CONTAINER/FOLDER in the storage account, or \"synthetic\" for the drawn faces.", Required = true };
var format = new Option<DatasetFormat>("--format") { Description = "Dataset layout: Auto, Jaffe, Yale or Manifest.", DefaultValueFactory = _ => DatasetFormat.Auto };
var output = new Option<string>("--output") { Description = "Folder for the model version (model.onnx, manifest.json, report.json, ...).", Required = true };
var epochs = new Option<int?>("--epochs") { Description = "Default: 90 for composition, 30 for the objectives with triplets (the same images through the network)." };
var imageSize = new Option<int>("--image-size") { DefaultValueFactory = _ => 128 };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 16 };
var learningRate = new Option<double>("--learning-rate") { DefaultValueFactory = _ => 1e-4 };
var facetLearningRate = new Option<double?>("--facet-learning-rate") { Description = "Learning rate of the composition objective's facet value vectors (default: --learning-rate)." };
var temperature = new Option<double>("--temperature") { Description = "The composition objective's temperature.", DefaultValueFactory = _ => new CompositionTerms().Temperature };
var transformWeight = new Option<double>("--transform-weight")
    { Description = "Weight of the composition objective's transform term (each image moved to another value of each facet, classified as the cell it lands in); 0 leaves it out." };
var backbone = ChoiceOptions.Create("--backbone", "The network: resnet18 starts from ImageNet weights.", Backbone.ResNet18);
var weights = new Option<string?>("--weights") { Description = "Backbone weights: a TorchSharp state dict; for resnet18 \"none\" trains from scratch." };
var objective = ChoiceOptions.Create("--objective", "What training minimises.", Objective.Composition);
var head = new Option<int?>("--head") { Description = "Index a linear projection head of this size instead of the pooled features." };
var width = new Option<double>("--width") { Description = "MobileNetV2 width multiplier.", DefaultValueFactory = _ => 1.0 };
var facetVectors = ChoiceOptions.Create("--facet-vectors", "Publish (and evaluate with) learned facet vectors, or medians of each value's images.",
    FacetVectorKind.Learned);
var noFlip = new Option<bool>("--no-flip") { Description = "Do not mirror augmented images (for facets with a side, such as lighting from the left)." };
var frozenStages = new Option<int?>("--frozen-stages") { Description = "Keep the initial weights of this many backbone stages from the input (1: the stem; 2: it and the first stage of blocks). Default: 2 for resnet18 on its ImageNet weights, else 0." };
var face = new Option<FaceStep>("--face") { Description = "detect: find, level and crop the face before the network (training and serving); none: whole images (docs/accuracy.md, \"Phone-like photos\").", DefaultValueFactory = _ => FaceStep.Detect };
var trainOn = ChoiceOptions.Create("--train-on", "Which images train: all-but-one-of-each-cell keeps one of each cell unseen where it has more.",
    TrainingImages.FirstOfEachCell);
var device = ChoiceOptions.Create("--device", "Where training runs: auto takes CUDA when present.", ComputeDevice.Auto);
var patience = new Option<int?>("--early-stopping") { Description = "Stop after this many epochs without a better loss on the images that do not train; keep the best." };
var heldOutFolds = new Option<int>("--held-out-folds") { Description = "Folds of the unseen-combinations protocol (k more trainings); 0 skips it." };
var persons = new Option<int>("--synthetic-persons") { Description = "Identities to draw with --data synthetic.", DefaultValueFactory = _ => 8 };
var connectionString = new Option<string?>("--storage-connection-string")
    { Description = "Publish to Blob Storage with this connection string. It holds the account key, which the process list shows: " +
                    "set the environment variable Storage__ConnectionString instead (the default of this option).",
      DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ConnectionString") };
var serviceUri = new Option<Uri?>("--storage-service-uri")
    { Description = "Publish to this Blob service with the managed identity (DefaultAzureCredential).",
      DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ServiceUri") is { Length: > 0 } uri ? new Uri(uri) : null };
var modelsContainer = new Option<string>("--models-container")
    { DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ModelsContainer") ?? "models" };
var imagesContainer = new Option<string>("--images-container")
    { DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ImagesContainer") ?? "images" };

var train = new Command("train", "Train on a dataset, export ONNX, embed the gallery, evaluate, write and publish the model.")
{
    data, format, output, backbone, weights, objective, facetVectors, head, epochs, imageSize, face, seed, batchSize, learningRate, facetLearningRate, temperature, transformWeight, width, trainOn, noFlip, frozenStages, device, persons, heldOutFolds, patience,
    connectionString, serviceUri, modelsContainer, imagesContainer,
};
// The Blob Storage the options name, or null when they name none.
StorageOptions? StorageFrom(ParseResult result) =>
    result.GetValue(connectionString) is { Length: > 0 } || result.GetValue(serviceUri) is not null
        ? new StorageOptions
        {
            // The job moves large files: the SDK's own patience, not serving's fail-fast timeouts.
            NetworkTimeoutSeconds = 100,
            MaxRetries = 3,
            ConnectionString = result.GetValue(connectionString) is { Length: > 0 } cs ? cs : null,
            ServiceUri = result.GetValue(connectionString) is { Length: > 0 } ? null : result.GetValue(serviceUri),
            ManagedIdentityClientId = Environment.GetEnvironmentVariable("AZURE_CLIENT_ID"),
            ModelsContainer = result.GetValue(modelsContainer)!,
            ImagesContainer = result.GetValue(imagesContainer)!,
        }
        : null;

train.SetAction(async (result, cancellationToken) =>
{
    var publish = StorageFrom(result);
    var options = new TrainJobOptions
    {
        Data = result.GetValue(data)!,
        Format = result.GetValue(format),
        Output = result.GetValue(output)!,
        Synthetic = new SyntheticFacesOptions { Persons = result.GetValue(persons), Seed = result.GetValue(seed) },
        Training = new TrainingOptions
        {
            Backbone = result.GetValue(backbone),
            Weights = result.GetValue(weights),
            Objective = result.GetValue(objective),
            FacetVectors = result.GetValue(facetVectors),
            HeadDimensions = result.GetValue(head),
            Epochs = result.GetValue(epochs) ?? result.GetValue(objective).DefaultEpochs(),
            ImageSize = result.GetValue(imageSize),
            Face = result.GetValue(face),
            Seed = result.GetValue(seed),
            BatchSize = result.GetValue(batchSize),
            LearningRate = result.GetValue(learningRate),
            FacetLearningRate = result.GetValue(facetLearningRate),
            Composition = new CompositionTerms(result.GetValue(temperature), result.GetValue(transformWeight)),
            WidthMultiplier = result.GetValue(width),
            TrainOn = result.GetValue(trainOn),
            Flip = !result.GetValue(noFlip),
            FrozenStages = result.GetValue(frozenStages) ?? Backbones.DefaultFrozenStages(result.GetValue(backbone), result.GetValue(weights)),
            Device = result.GetValue(device),
            EarlyStoppingPatience = result.GetValue(patience),
        },
        HeldOutFolds = result.GetValue(heldOutFolds),
        Publish = publish,
    };
    try
    {
        await TrainingPipeline.RunAsync(options, Console.Out, cancellationToken);
        return 0;
    }
    catch (Exception e) when (e is DatasetException or InvalidOperationException or IOException or ArgumentException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
    // TorchSharp reports native libraries it cannot load (no libtorch beside the job, or one of another build) from
    // its type initialiser; its own message is a page of load trace, whose first line says what is missing.
    catch (TypeInitializationException e) when (e.TypeName == typeof(TorchSharp.torch).FullName)
    {
        Console.Error.WriteLine($"error: TorchSharp could not load libtorch: {e.InnerException?.Message.Split('\n')[0]}");
        return 1;
    }
});

var model = new Option<string>("--model") { Description = "A model folder written by train.", Required = true };
var evaluationOutput = new Option<string?>("--output") { Description = "Also write the figures to this JSON file." };
var evaluate = new Command("evaluate", "Evaluate a saved model on a dataset (seed protocol, unseen images, transform).")
{
    model, data, format, seed, persons, evaluationOutput, connectionString, serviceUri, modelsContainer, imagesContainer,
};
evaluate.SetAction(async (result, cancellationToken) =>
{
    try
    {
        var dataset = await DatasetSource.ReadAsync(result.GetValue(data)!, result.GetValue(format),
            new SyntheticFacesOptions { Persons = result.GetValue(persons), Seed = result.GetValue(seed) }, StorageFrom(result), Console.Error,
            cancellationToken);
        var figures = await SavedModelEvaluation.RunAsync(result.GetValue(model)!, dataset, result.GetValue(seed), Console.Error, cancellationToken);
        var json = SavedModelEvaluation.ToJson(figures);
        Console.WriteLine(json);
        if (result.GetValue(evaluationOutput) is { } path)
            await File.WriteAllTextAsync(path, json, cancellationToken);
        return 0;
    }
    catch (Exception e) when (e is DatasetException or ModelIntegrityException or IOException or ArgumentException or Azure.RequestFailedException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
});

var version = new Option<string>("--version") { Description = "A version under versions/ in the models container.", Required = true };
var activate = new Command("activate", "Point the serving model at a published version (a rollback), after checking it loads whole.")
{
    version, connectionString, serviceUri, modelsContainer, imagesContainer,
};
activate.SetAction(async (result, cancellationToken) =>
{
    try
    {
        var storage = StorageFrom(result) ?? throw new ArgumentException("Name the storage: --storage-connection-string or --storage-service-uri.");
        await using var services = StorageServices.Provider(storage);
        await new ModelRepository(services.GetRequiredService<ArtifactStores>().Models).ActivateAsync(result.GetValue(version)!, cancellationToken);
        Console.WriteLine($"Version {result.GetValue(version)} is current; the functions swap to it at their next check.");
        return 0;
    }
    catch (Exception e) when (e is ModelIntegrityException or ArgumentException or Azure.RequestFailedException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
});

var root = new RootCommand("FaceFunctions training job: learns an embedding in which facets add up.") { train, evaluate, activate };
return await root.Parse(args).InvokeAsync();
