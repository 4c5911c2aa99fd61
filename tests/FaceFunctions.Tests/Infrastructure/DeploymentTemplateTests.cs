using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// Reads the ARM template that `bicep build` makes of infra/bicep/main.bicep (test.sh builds it before the tests, with
/// warnings as errors) and checks what a security review would: no keys, nothing public, TLS, least-privilege roles
/// at the right scopes, the GPU profile, and no secrets in outputs.
/// </summary>
public sealed partial class DeploymentTemplateTests
{
    private const string BlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    private static readonly Lazy<JsonElement> Template = new(() =>
    {
        var path = Path.Combine(RepositoryPaths.Root, "artifacts", "bicep", "main.json");
        Assert.True(File.Exists(path), $"{path} is missing: run scripts/test.sh, or dotnet build infra/bicep/Bicep.csproj");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    });

    /// <summary>A resource with the module it is declared in and that module's variables, to resolve role ids.</summary>
    private sealed record Resource(string Module, JsonElement Json, Dictionary<string, string> Variables)
    {
        public string Type => Json.GetProperty("type").GetString()!;
        public JsonElement Properties => Json.GetProperty("properties");
        public string Text(string property) => Json.TryGetProperty(property, out var value) ? value.ToString() : "";

        public string Resolve(string expression) =>
            VariableReference().Replace(expression, m => Variables.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
    }

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();

    private static List<Resource> Resources()
    {
        var all = new List<Resource>();
        void Walk(JsonElement template, string module)
        {
            var variables = template.TryGetProperty("variables", out var v)
                ? v.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => $"'{p.Value.GetString()}'")
                : [];
            foreach (var resource in template.GetProperty("resources").EnumerateArray())
            {
                if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
                    Walk(resource.GetProperty("properties").GetProperty("template"), resource.GetProperty("name").GetString()!);
                else
                    all.Add(new Resource(module, resource, variables));
            }
        }
        Walk(Template.Value, "main");
        return all;
    }

    private static JsonElement Module(string name) =>
        Template.Value.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);

    [Fact]
    public void Every_storage_account_refuses_keys_and_public_access_and_requires_tls_1_2_over_https()
    {
        var accounts = Resources().Where(r => r.Type == "Microsoft.Storage/storageAccounts").ToList();
        Assert.Equal(2, accounts.Count); // the data account and the functions host account
        foreach (var account in accounts)
        {
            Assert.False(account.Properties.GetProperty("allowSharedKeyAccess").GetBoolean());
            Assert.False(account.Properties.GetProperty("allowBlobPublicAccess").GetBoolean());
            Assert.Equal("TLS1_2", account.Properties.GetProperty("minimumTlsVersion").GetString());
            Assert.True(account.Properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        }
        Assert.All(Resources().Where(r => r.Type.EndsWith("/containers")),
            c => Assert.Equal("None", c.Properties.GetProperty("publicAccess").GetString()));
    }

    [Fact]
    public void The_model_container_can_be_rolled_back()
    {
        var blobs = Resources().Single(r => r.Module == "storage" && r.Type == "Microsoft.Storage/storageAccounts/blobServices");
        Assert.True(blobs.Properties.GetProperty("isVersioningEnabled").GetBoolean());
        Assert.True(blobs.Properties.GetProperty("deleteRetentionPolicy").GetProperty("enabled").GetBoolean());
        var containers = Resources().Where(r => r.Module == "storage" && r.Type.EndsWith("/containers")).Select(r => r.Text("name")).ToList();
        Assert.Contains(containers, n => n.Contains("'models'"));
        Assert.Contains(containers, n => n.Contains("'images'"));
        Assert.Contains(containers, n => n.Contains("'datasets'"));
    }

    public static TheoryData<string, string, string, string> Roles => new()
    {
        // module, principal parameter, scope fragment, role
        { "storage-roles", "apiPrincipalId", "'models'", BlobDataReader },
        { "storage-roles", "apiPrincipalId", "'images'", BlobDataReader },
        { "storage-roles", "trainingPrincipalId", "'models'", BlobDataContributor },
        { "storage-roles", "trainingPrincipalId", "'images'", BlobDataContributor },
        { "storage-roles", "trainingPrincipalId", "'datasets'", BlobDataReader },
        { "registry", "pullPrincipalId", "Microsoft.ContainerRegistry/registries", AcrPull },
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public void Each_identity_gets_its_role_on_its_container_only(string module, string principal, string scope, string role)
    {
        var assignments = Resources().Where(r => r.Module == module && r.Type == "Microsoft.Authorization/roleAssignments").ToList();
        Assert.Contains(assignments, a =>
            a.Text("scope").Contains(scope)
            && a.Resolve(a.Properties.GetProperty("roleDefinitionId").GetString()!).Contains(role)
            && a.Properties.GetProperty("principalId").GetString() == $"[parameters('{principal}')]");
        // On the data account, every role is scoped to one container, never the whole account.
        Assert.All(Resources().Where(r => r.Module == "storage-roles" && r.Type == "Microsoft.Authorization/roleAssignments"),
            a => Assert.Contains("Microsoft.Storage/storageAccounts/blobServices/containers", a.Text("scope")));
    }

    [Fact]
    public void The_identities_are_wired_to_the_right_principals()
    {
        var parameters = Module("storage-roles").GetProperty("properties").GetProperty("parameters");
        Assert.Contains("apiPrincipalId", parameters.GetProperty("apiPrincipalId").GetProperty("value").GetString());
        Assert.Contains("trainingPrincipalId", parameters.GetProperty("trainingPrincipalId").GetProperty("value").GetString());
        Assert.Contains("trainingPrincipalId", Module("registry").GetProperty("properties").GetProperty("parameters").GetProperty("pullPrincipalId").GetProperty("value").GetString());
    }

    [Fact]
    public void The_function_app_runs_on_flex_consumption_with_identity_based_host_storage()
    {
        var plan = Resources().Single(r => r.Type == "Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", plan.Json.GetProperty("sku").GetProperty("tier").GetString());
        var site = Resources().Single(r => r.Type == "Microsoft.Web/sites");
        var runtime = site.Properties.GetProperty("functionAppConfig").GetProperty("runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        var settings = site.Properties.GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Contains("Storage__ServiceUri", settings.Keys);
        // Instances answer many requests at once: one inference thread each (docs/performance.md).
        Assert.Equal("1", settings["Serving__InferenceThreads"]);
        Assert.DoesNotContain(settings.Values, v => v.Contains("AccountKey", StringComparison.OrdinalIgnoreCase) || v.Contains("listKeys"));
        // The host's own account: its identity owns its blobs (a copy loop over the host roles).
        var hostRoles = Resources().Where(r => r.Module == "api" && r.Type == "Microsoft.Authorization/roleAssignments").ToList();
        Assert.Contains(hostRoles, a => a.Resolve(a.Properties.GetProperty("roleDefinitionId").GetString()!).Contains(BlobDataOwner)
                                        && a.Text("scope").Contains("Microsoft.Storage/storageAccounts"));
    }

    [Fact]
    public void The_training_job_runs_on_a_serverless_gpu_profile_and_pulls_with_its_identity()
    {
        var environment = Resources().Single(r => r.Type == "Microsoft.App/managedEnvironments");
        var gpu = environment.Properties.GetProperty("workloadProfiles").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "gpu");
        Assert.Equal("[parameters('gpuProfileType')]", gpu.GetProperty("workloadProfileType").GetString());
        var training = Module("training").GetProperty("properties").GetProperty("template").GetProperty("parameters").GetProperty("gpuProfileType");
        Assert.StartsWith("Consumption-GPU-", training.GetProperty("defaultValue").GetString());
        var job = Resources().Single(r => r.Type == "Microsoft.App/jobs");
        Assert.Equal("gpu", job.Properties.GetProperty("workloadProfileName").GetString());
        Assert.Contains("identity", job.Properties.ToString());
        var registry = Resources().Single(r => r.Type == "Microsoft.ContainerRegistry/registries");
        Assert.False(registry.Properties.GetProperty("adminUserEnabled").GetBoolean());
    }

    [Fact]
    public void No_output_or_parameter_default_carries_a_secret()
    {
        var secretish = new Regex("key|secret|password|connectionstring|sas|token", RegexOptions.IgnoreCase);
        void Check(JsonElement template, string where)
        {
            if (template.TryGetProperty("outputs", out var outputs))
                foreach (var output in outputs.EnumerateObject())
                {
                    Assert.False(secretish.IsMatch(output.Name), $"{where} output {output.Name}");
                    Assert.DoesNotContain("listKeys", output.Value.ToString());
                }
            if (template.TryGetProperty("parameters", out var parameters))
                foreach (var parameter in parameters.EnumerateObject())
                {
                    if (!parameter.Value.TryGetProperty("defaultValue", out var value)) continue;
                    Assert.NotEqual("securestring", parameter.Value.GetProperty("type").GetString()!.ToLowerInvariant());
                    Assert.DoesNotContain("AccountKey", value.ToString());
                }
            foreach (var resource in template.GetProperty("resources").EnumerateArray().Where(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"))
                Check(resource.GetProperty("properties").GetProperty("template"), resource.GetProperty("name").GetString()!);
        }
        Check(Template.Value, "main");
    }
}
