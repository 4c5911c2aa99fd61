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

    /// <summary>main.parameters.json's values by parameter, before substitution.</summary>
    internal static Dictionary<string, string> MappedParameters()
    {
        var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "bicep", "main.parameters.json"))).RootElement;
        return file.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").ToString());
    }

    // azd substitutes main.parameters.json with drone/envsubst (pkg/infra/provisioning/bicep/bicep_provider.go,
    // evalParamEnvSubst): ${NAME} is the variable's value, ${NAME=default} the default where that value is empty.
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:=([^}]*))?\}")]
    private static partial Regex EnvReference();

    private static string Substitute(string value, Func<string, string?> lookup) =>
        EnvReference().Replace(value, m => lookup(m.Groups[1].Value) is { Length: > 0 } set ? set : m.Groups[2].Value);

    // azd gives these itself (the signed-in principal), so evalParamEnvSubst counts them as no parameter's mapping.
    private static readonly string[] PrincipalVariables = ["AZURE_PRINCIPAL_ID", "AZURE_PRINCIPAL_TYPE"];

    /// <summary>The environment variables a parameter maps to, as azd records them (envMapping).</summary>
    internal static IReadOnlyList<string> MappedVariables(string value) =>
        EnvReference().Matches(value).Select(m => m.Groups[1].Value).Except(PrincipalVariables).ToList();

    /// <summary>
    /// What `azd pipeline config` sets in GitHub, name and whether it is a secret: AZURE_ENV_NAME, AZURE_LOCATION,
    /// AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID and AZURE_CLIENT_ID always, AZURE_RESOURCE_GROUP where the environment
    /// has one (pkg/pipeline/github_provider.go, setPipelineVariables); each mapped parameter's variable where the team
    /// set it or azd prompted or generated it, a secret for a @secure() parameter; azure.yaml's pipeline variables and
    /// secrets (pkg/pipeline/pipeline.go, mergeProjectVariablesAndSecrets).
    /// </summary>
    internal static IReadOnlyDictionary<string, bool> PipelineSettings()
    {
        var settings = new[] { "AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_SUBSCRIPTION_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_RESOURCE_GROUP" }
            .ToDictionary(name => name, _ => false);
        var parameters = DeploymentTemplateTests.Template.Value.GetProperty("parameters");
        foreach (var (name, value) in MappedParameters())
            foreach (var variable in MappedVariables(value))
                settings[variable] = parameters.GetProperty(name).GetProperty("type").GetString()!.StartsWith("secure", StringComparison.OrdinalIgnoreCase);
        if (Project.Value.Children.ContainsKey("pipeline"))
        {
            var pipeline = Map(Project.Value, "pipeline");
            foreach (var (list, secret) in new[] { ("variables", false), ("secrets", true) })
                if (pipeline.Children.TryGetValue(list, out var names))
                    foreach (var name in (YamlSequenceNode)names)
                        settings[((YamlScalarNode)name).Value!] = secret;
        }
        return settings;
    }

    [Fact]
    public void Every_parameter_azd_prompts_for_or_generates_maps_to_one_environment_variable()
    {
        // `azd pipeline config` stops on a parameter that got its value from a prompt (or azd's generator) and maps
        // to no variable, or to several (pkg/pipeline/pipeline.go): CI could not be given the value the team has.
        var parameters = DeploymentTemplateTests.Template.Value.GetProperty("parameters");
        var mapped = MappedParameters();
        var required = parameters.EnumerateObject()
            .Where(p => !p.Value.TryGetProperty("defaultValue", out _) && !(p.Value.TryGetProperty("nullable", out var n) && n.GetBoolean()))
            .Select(p => p.Name).ToList();
        Assert.Contains("backOfficeKey", required);
        foreach (var name in required)
        {
            Assert.True(mapped.ContainsKey(name), $"{name} has no default and no mapping in main.parameters.json");
            Assert.Single(MappedVariables(mapped[name]));
        }
        // A generated parameter's variable has no default of its own: unset, azd generates the value once and keeps it
        // in the environment's config, and `azd pipeline config` passes that value on as the variable's secret.
        foreach (var name in required.Where(n => parameters.GetProperty(n).TryGetProperty("metadata", out var m) && m.ToString().Contains("\"generate\"")))
            Assert.Equal("", Substitute(mapped[name], _ => null));
    }

    [Fact]
    public void Array_and_object_parameters_substitute_to_json_of_their_type_with_nothing_set()
    {
        // azd parses an array or object parameter's substituted text as JSON before it talks to Azure, and stops on
        // text that is not (bicep_provider.go, loadParameters): the defaults must be JSON of the parameter's type.
        var parameters = DeploymentTemplateTests.Template.Value.GetProperty("parameters");
        var complex = MappedParameters().Where(p => parameters.GetProperty(p.Key).GetProperty("type").GetString() is "array" or "object").ToList();
        Assert.Contains(complex, p => p.Key == "alertEmails");
        foreach (var (name, value) in complex)
        {
            var json = JsonDocument.Parse(Substitute(value, _ => null)).RootElement;
            Assert.Equal(parameters.GetProperty(name).GetProperty("type").GetString(), json.ValueKind == JsonValueKind.Array ? "array" : "object");
        }
        var emails = JsonDocument.Parse(Substitute(MappedParameters()["alertEmails"], v => v == "ALERT_EMAILS" ? "[\"ops@contoso.com\"]" : null)).RootElement;
        Assert.Equal("ops@contoso.com", emails[0].GetString());
    }

    [Fact]
    public void The_location_parameter_is_azds_location()
    {
        // azd stops on a parameter mapped to AZURE_LOCATION whose azd metadata names another type (ensureParameters).
        var parameters = DeploymentTemplateTests.Template.Value.GetProperty("parameters");
        var located = MappedParameters().Where(p => MappedVariables(p.Value).Contains("AZURE_LOCATION")).Select(p => p.Key).ToList();
        Assert.Equal(["location"], located);
        foreach (var name in located)
            if (parameters.GetProperty(name).TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("azd", out var azd))
                Assert.Equal("location", azd.GetProperty("type").GetString());
    }

    [Fact]
    public void The_image_is_built_by_the_registry_and_the_pipeline_keys_are_azds()
    {
        // azd's v1.0 schema: docker's keys, and pipeline's (provider, variables, secrets).
        string[] dockerKeys = ["path", "context", "platform", "registry", "image", "tag", "buildArgs", "network", "remoteBuild"];
        var docker = Map(Map(Map(Project.Value, "services"), "training"), "docker");
        Assert.Empty(Keys(docker).Except(dockerKeys));
        Assert.Equal("true", Scalar(docker, "remoteBuild"));
        Assert.Empty(Keys(Map(Project.Value, "pipeline")).Except(["provider", "variables", "secrets"]));
    }

    [Fact]
    public void The_parameters_file_maps_only_template_parameters_and_keeps_the_deployed_training_image()
    {
        var template = DeploymentTemplateTests.Template.Value;
        var declared = template.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToHashSet();
        var mapped = MappedParameters();
        Assert.Empty(mapped.Keys.Except(declared));
        // azd records the image it pushed as SERVICE_TRAINING_IMAGE_NAME; without this mapping `azd provision` would
        // put the job back on the placeholder.
        Assert.StartsWith("${SERVICE_TRAINING_IMAGE_NAME=", mapped["trainingImage"]);
        Assert.EndsWith(template.GetProperty("parameters").GetProperty("trainingImage").GetProperty("defaultValue").GetString() + "}", mapped["trainingImage"]);
    }
}
