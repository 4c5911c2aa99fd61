using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// What `azd up` reads besides the template: azure.yaml (its keys against those of azd's v1.0 schema, written out
/// below because nothing here may download it; the paths it names; the hook that fetches the face detector) and
/// main.parameters.json (every parameter it maps exists, and what azd deploys survives the next provision).
/// </summary>
public sealed partial class AzdProjectTests
{
    // The schema's properties at the levels this project uses (azure-dev, schemas/v1.0/azure.yaml.json).
    private static readonly string[] TopLevelKeys = ["name", "resourceGroup", "metadata", "infra", "services", "pipeline", "hooks", "requiredVersions", "state", "platform", "workflows", "cloud", "resources"];
    private static readonly string[] ServiceKeys = ["apiVersion", "resourceGroup", "resourceName", "project", "image", "host", "language", "module", "dist", "docker", "k8s", "config", "hooks", "env", "uses", "remoteBuild"];
    private static readonly string[] HookNames = ["preprovision", "postprovision", "preinfracreate", "postinfracreate", "preinfradelete", "postinfradelete", "predown", "postdown", "preup", "postup", "prepackage", "postpackage", "predeploy", "postdeploy", "prerestore", "postrestore", "prebuild", "postbuild", "prepublish", "postpublish"];
    private static readonly string[] Hosts = ["appservice", "containerapp", "function", "springapp", "staticwebapp", "aks", "ai.endpoint", "azure.ai.agent"];

    private static readonly Lazy<YamlMappingNode> Project = new(() =>
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.Root, "azure.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    });

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];
    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;
    private static IEnumerable<string> Keys(YamlMappingNode node) => node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    [Fact]
    public void Azure_yaml_uses_only_the_schemas_keys_and_names_paths_that_exist()
    {
        Assert.Empty(Keys(Project.Value).Except(TopLevelKeys));
        Assert.Matches("^[a-zA-Z0-9-]+$", Scalar(Project.Value, "name"));
        var infra = Map(Project.Value, "infra");
        Assert.Equal("bicep", Scalar(infra, "provider"));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, Scalar(infra, "path"), Scalar(infra, "module") + ".bicep")));
        Assert.Empty(Keys(Map(Project.Value, "hooks")).Except(HookNames));
        foreach (var (name, node) in Map(Project.Value, "services").Children)
        {
            var service = (YamlMappingNode)node;
            Assert.Empty(Keys(service).Except(ServiceKeys));
            Assert.Contains(Scalar(service, "host"), Hosts);
            var project = Path.Combine(RepositoryPaths.Root, Scalar(service, "project"));
            Assert.True(Directory.EnumerateFiles(project, "*.csproj").Any(), $"{name}: no project in {project}");
            if (service.Children.ContainsKey("docker"))
                Assert.True(File.Exists(Path.Combine(project, Scalar(Map(service, "docker"), "path"))), $"{name}: its Dockerfile");
        }
    }

    [Fact]
    public void Azure_yaml_asks_for_the_azd_that_deploys_container_apps_jobs()
    {
        // azd 1.23.8 deploys Microsoft.App/jobs through `host: containerapp` (Azure/azure-dev#7001); older ones stop.
        var required = Scalar(Map(Project.Value, "requiredVersions"), "azd");
        var version = Version.Parse(VersionRange().Match(required).Groups[1].Value);
        Assert.True(version >= new Version(1, 23, 8), required);
        Assert.Equal("containerapp", Scalar(Map(Map(Project.Value, "services"), "training"), "host"));
    }

    [GeneratedRegex(@"^>=\s*(\d+\.\d+\.\d+)$")]
    private static partial Regex VersionRange();

    [Fact]
    public void Packaging_first_fetches_the_face_detector_that_both_services_ship()
    {
        var prepackage = Map(Map(Project.Value, "hooks"), "prepackage");
        foreach (var platform in new[] { "posix", "windows" })
        {
            var run = Scalar(Map(prepackage, platform), "run");
            Assert.Equal("bash scripts/face-detector.sh", run);
        }
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "scripts", "face-detector.sh")));
        // The Dockerfile copies what the hook fetched; the build of either service stops without it.
        Assert.Contains("COPY models/ models/", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "TrainingJob", "Dockerfile")));
    }

    [Fact]
    public async Task In_a_clean_clone_the_prepackage_hook_brings_the_detector_the_build_needs()
    {
        // A clone holds no models/ (git-ignored): what `azd package` runs first must bring the detector, checked by its digest.
        using var folder = new TempFolder();
        var clone = folder.File("clone");
        var cloned = await ProcessRunner.RunAsync("git", ["clone", "--quiet", "--depth", "1", "file://" + RepositoryPaths.Root, clone], TimeSpan.FromMinutes(2));
        Assert.True(cloned.ExitCode == 0, cloned.ToString());
        var detector = Path.Combine(clone, "models", "blazeface", "face_detection_back_256x256_barracuda.onnx");
        Assert.False(File.Exists(detector));
        var run = Scalar(Map(Map(Map(Project.Value, "hooks"), "prepackage"), "posix"), "run");
        var hook = await ProcessRunner.RunAsync("sh", ["-c", run], TimeSpan.FromMinutes(3), workingDirectory: clone);
        Assert.True(hook.ExitCode == 0, hook.ToString());
        Assert.Equal(FaceFunctions.Faces.BlazeFaceDetector.Sha256, FaceFunctions.Artifacts.ModelRepository.Sha256(BinaryData.FromBytes(File.ReadAllBytes(detector))));
    }

    [Fact]
    public void The_parameters_file_maps_only_template_parameters_and_keeps_the_deployed_training_image()
    {
        var template = DeploymentTemplateTests.Template.Value;
        var declared = template.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToHashSet();
        var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "bicep", "main.parameters.json"))).RootElement;
        var mapped = file.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").ToString());
        Assert.Empty(mapped.Keys.Except(declared));
        // azd records the image it pushed as SERVICE_TRAINING_IMAGE_NAME; without this mapping `azd provision` would
        // put the job back on the placeholder.
        Assert.StartsWith("${SERVICE_TRAINING_IMAGE_NAME=", mapped["trainingImage"]);
        Assert.EndsWith(template.GetProperty("parameters").GetProperty("trainingImage").GetProperty("defaultValue").GetString() + "}", mapped["trainingImage"]);
    }
}
