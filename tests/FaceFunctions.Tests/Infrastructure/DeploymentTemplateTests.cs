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
    private static readonly string BlobDataReader = BuiltInRoles.Id("Storage Blob Data Reader");
    private static readonly string BlobDataContributor = BuiltInRoles.Id("Storage Blob Data Contributor");
    private static readonly string BlobDataOwner = BuiltInRoles.Id("Storage Blob Data Owner");
    private static readonly string AcrPull = BuiltInRoles.Id("AcrPull");

    internal static readonly Lazy<JsonElement> Template = new(() =>
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

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    /// <summary>The role ids an assignment names (a copy loop names several), its variables resolved.</summary>
    private static IReadOnlyList<string> RoleIds(Resource assignment) =>
        Guid().Matches(assignment.Resolve(assignment.Properties.GetProperty("roleDefinitionId").GetString()!)).Select(m => m.Value).ToList();

    private static List<Resource> RoleAssignments(string module) =>
        Resources().Where(r => r.Module == module && r.Type == "Microsoft.Authorization/roleAssignments").ToList();

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
        // The gallery's change log and added images; uploads taken from incoming, failures set aside.
        { "storage-roles", "apiPrincipalId", "'models'", BlobDataContributor },
        { "storage-roles", "apiPrincipalId", "'images'", BlobDataContributor },
        { "storage-roles", "apiPrincipalId", "'incoming'", BlobDataContributor },
        { "storage-roles", "apiPrincipalId", "'incoming-failed'", BlobDataContributor },
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
    public void Every_role_assignment_names_a_built_in_role_that_azure_has()
    {
        // Checked against Microsoft's table (BuiltInRoles), not against what the templates believe.
        var assignments = Resources().Where(r => r.Type == "Microsoft.Authorization/roleAssignments").ToList();
        Assert.NotEmpty(assignments);
        foreach (var assignment in assignments)
        {
            var ids = RoleIds(assignment);
            Assert.True(ids.Count > 0, $"{assignment.Module}: {assignment.Text("name")} names no role id");
            foreach (var id in ids)
                Assert.True(BuiltInRoles.IdByName.Values.Contains(id), $"{assignment.Module}: {id} is no built-in role in Microsoft's table");
        }
    }

    [Theory]
    [InlineData("Storage Blob Data Owner")]
    [InlineData("Storage Queue Data Contributor")]
    [InlineData("Storage Table Data Contributor")]
    public void The_functions_host_gets_the_data_roles_its_own_storage_needs(string role)
    {
        // The host keeps keys, locks and timers in blobs, queues and tables of its account (identity-based connection).
        Assert.Contains(RoleAssignments("api"), a => RoleIds(a).Contains(BuiltInRoles.Id(role)) && a.Text("scope").Contains("Microsoft.Storage/storageAccounts"));
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
    public void Ingestion_events_reach_the_queue_with_identities_and_only_blob_created_events_of_incoming()
    {
        var subscription = Resources().Single(r => r.Type == "Microsoft.EventGrid/systemTopics/eventSubscriptions");
        var filter = subscription.Properties.GetProperty("filter");
        Assert.Equal("/blobServices/default/containers/incoming/blobs/", filter.GetProperty("subjectBeginsWith").GetString());
        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter.GetProperty("includedEventTypes").EnumerateArray().Select(e => e.GetString()));
        var delivery = subscription.Properties.GetProperty("deliveryWithResourceIdentity");
        Assert.Equal("SystemAssigned", delivery.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("StorageQueue", delivery.GetProperty("destination").GetProperty("endpointType").GetString());
        // Roles on the queues alone: the topic sends; the app reads and processes, as Microsoft's queue trigger
        // documentation lists for the trigger's identity (Storage Queue Data Reader and Message Processor), and parks
        // poison messages.
        var roles = RoleAssignments("ingestion");
        Assert.All(roles, a => Assert.Contains("Microsoft.Storage/storageAccounts/queueServices/queues", a.Text("scope")));
        var apiRoles = roles.Where(a => a.Properties.GetProperty("principalId").GetString() == "[parameters('apiPrincipalId')]").SelectMany(RoleIds).ToList();
        Assert.Equal(
            new[] { "Storage Queue Data Message Processor", "Storage Queue Data Message Sender", "Storage Queue Data Reader" }.Select(BuiltInRoles.Id).Order(),
            apiRoles.Order());
        Assert.Equal([BuiltInRoles.Id("Storage Queue Data Message Sender")],
            roles.Where(a => a.Properties.GetProperty("principalId").GetString()!.Contains("Microsoft.EventGrid/systemTopics")).SelectMany(RoleIds));
        var site = Resources().Single(r => r.Type == "Microsoft.Web/sites");
        var settings = site.Properties.GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        Assert.Equal("managedidentity", settings["GalleryQueue__credential"]);
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
    public void Callers_are_checked_by_the_app_with_the_issuer_of_the_parameters_and_a_key_only_as_a_key_vault_reference()
    {
        var site = Resources().Single(r => r.Type == "Microsoft.Web/sites");
        Assert.Equal("[parameters('identityId')]", site.Properties.GetProperty("keyVaultReferenceIdentity").GetString());
        var settings = site.Properties.GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        Assert.Equal("[parameters('authAuthority')]", settings["Auth__Issuers__0__Authority"]);
        Assert.Equal("[parameters('authAudience')]", settings["Auth__Issuers__0__Audiences__0"]);
        Assert.Equal("[parameters('backOfficeKeyReference')]", settings["Auth__Keys__backoffice__Secret"]);
        var reference = Module("keyvault").GetProperty("properties").GetProperty("template").GetProperty("outputs").GetProperty("backOfficeReference");
        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName=", reference.GetProperty("value").GetString());
        var vault = Resources().Single(r => r.Type == "Microsoft.KeyVault/vaults");
        Assert.True(vault.Properties.GetProperty("enableRbacAuthorization").GetBoolean());
        var readers = Resources().Where(r => r.Module == "keyvault" && r.Type == "Microsoft.Authorization/roleAssignments").ToList();
        Assert.Contains(readers, a => a.Properties.GetProperty("principalId").GetString() == "[parameters('apiPrincipalId')]"
                                      && RoleIds(a).Contains(BuiltInRoles.Id("Key Vault Secrets User")));
        // A deleted vault keeps its secret recoverable, and nobody can purge it before the retention ends.
        Assert.True(vault.Properties.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(vault.Properties.GetProperty("enablePurgeProtection").GetBoolean());
        // azd makes the key once per environment; the template holds no default of it.
        var key = Template.Value.GetProperty("parameters").GetProperty("backOfficeKey");
        Assert.Equal("securestring", key.GetProperty("type").GetString());
        Assert.False(key.TryGetProperty("defaultValue", out _));
        Assert.Equal("generate", key.GetProperty("metadata").GetProperty("azd").GetProperty("type").GetString());
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

    [Fact]
    public void The_pgvector_database_is_optional_and_its_network_comes_with_it()
    {
        var backend = Template.Value.GetProperty("parameters").GetProperty("galleryBackend");
        Assert.Equal("inprocess", backend.GetProperty("defaultValue").GetString());
        Assert.Equal(["inprocess", "pgvector"], backend.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()));
        foreach (var name in new[] { "network", "postgres" })
            Assert.Equal("[variables('pgvector')]", Module(name).GetProperty("condition").GetString());
        Assert.Equal("[equals(parameters('galleryBackend'), 'pgvector')]", Template.Value.GetProperty("variables").GetProperty("pgvector").GetString());
    }

    [Fact]
    public void The_pgvector_database_takes_entra_sign_in_only_over_tls_with_no_public_access_and_allows_the_vector_extension()
    {
        var server = Resources().Single(r => r.Type == "Microsoft.DBforPostgreSQL/flexibleServers");
        var auth = server.Properties.GetProperty("authConfig");
        Assert.Equal(("Enabled", "Disabled"), (auth.GetProperty("activeDirectoryAuth").GetString(), auth.GetProperty("passwordAuth").GetString()));
        Assert.False(server.Properties.TryGetProperty("administratorLogin", out _));
        Assert.Equal("Disabled", server.Properties.GetProperty("network").GetProperty("publicNetworkAccess").GetString());
        Assert.DoesNotContain(Resources(), r => r.Type == "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules");
        var settings = Resources().Where(r => r.Type == "Microsoft.DBforPostgreSQL/flexibleServers/configurations")
            .ToDictionary(r => r.Text("name").Split('/').Last().TrimEnd(']', '\'', ')'), r => r.Properties.GetProperty("value").GetString()!);
        Assert.Contains("VECTOR", settings.Single(s => s.Key.EndsWith("azure.extensions")).Value.Split(','));
        Assert.Equal("ON", settings.Single(s => s.Key.EndsWith("require_secure_transport")).Value);
        var endpoint = Resources().Single(r => r.Type == "Microsoft.Network/privateEndpoints");
        var connection = endpoint.Properties.GetProperty("privateLinkServiceConnections")[0].GetProperty("properties");
        Assert.Equal(["postgresqlServer"], connection.GetProperty("groupIds").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("Microsoft.DBforPostgreSQL/flexibleServers", connection.GetProperty("privateLinkServiceId").GetString());
        Assert.Contains(Resources(), r => r.Type == "Microsoft.Network/privateDnsZones" && r.Text("name").Contains("privatelink.postgres.database.azure.com"));
    }

    [Fact]
    public void The_training_identity_administers_the_database_and_the_function_app_only_reads_what_it_is_granted()
    {
        var administrator = Resources().Single(r => r.Type == "Microsoft.DBforPostgreSQL/flexibleServers/administrators");
        Assert.Equal("ServicePrincipal", administrator.Properties.GetProperty("principalType").GetString());
        Assert.Contains("trainingPrincipalId", administrator.Text("name"));
        var parameters = Module("postgres").GetProperty("properties").GetProperty("parameters");
        Assert.Contains("trainingPrincipalId", parameters.GetProperty("trainingPrincipalId").GetProperty("value").GetString());
        Assert.Contains("trainingName", parameters.GetProperty("trainingIdentityName").GetProperty("value").GetString());

        // The function app signs in as its own identity with a token; the training job as its own, granting reads to the app's.
        // (Module parameters that depend on the condition compile to one expression each: their text is checked.)
        string Parameter(string module, string name) => Module(module).GetProperty("properties").GetProperty("parameters").GetProperty(name).ToString();
        Assert.Contains("outputs.apiName.value", Parameter("api", "postgresConnection"));
        Assert.Contains("outputs.trainingName.value", Parameter("training", "postgresConnection"));
        Assert.Contains("outputs.apiName.value", Parameter("training", "postgresReaderRole"));
        foreach (var connection in new[] { Parameter("api", "postgresConnection"), Parameter("training", "postgresConnection") })
        {
            Assert.Contains("Ssl Mode=VerifyFull", connection);
            Assert.DoesNotContain("Password", connection, StringComparison.OrdinalIgnoreCase);
        }
        var site = Resources().Single(r => r.Type == "Microsoft.Web/sites");
        var appSettings = site.Properties.GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        Assert.Equal("[if(empty(parameters('postgresConnection')), 'inprocess', 'pgvector')]", appSettings["Serving__Gallery"]);
        Assert.Equal("ManagedIdentity", appSettings["Postgres__Authentication"]);
        Assert.Equal("[parameters('postgresConnection')]", appSettings["Postgres__ConnectionString"]);
        Assert.Contains("virtualNetworkSubnetId", site.Properties.ToString());
        var job = Resources().Single(r => r.Type == "Microsoft.App/jobs").Properties.ToString();
        Assert.Contains("Postgres__ReaderRole", job);
        Assert.Contains("infrastructureSubnetId", Resources().Single(r => r.Type == "Microsoft.App/managedEnvironments").Properties.ToString());
    }

    [Fact]
    public void Every_globally_named_resource_carries_the_resource_group_suffix()
    {
        Assert.Equal("[uniqueString(resourceGroup().id)]", Template.Value.GetProperty("variables").GetProperty("suffix").GetString());
        // Names in a global namespace: <app>.azurewebsites.net, <account>.blob.core.windows.net, <registry>.azurecr.io, <server>.postgres.database.azure.com.
        foreach (var (module, parameter) in new[] { ("api", "name"), ("api", "hostStorageName"), ("storage", "accountName"), ("registry", "name"), ("postgres", "serverName") })
            Assert.Contains("variables('suffix')", Module(module).GetProperty("properties").GetProperty("parameters").GetProperty(parameter).GetProperty("value").GetString());
        Assert.Equal("[parameters('name')]", Resources().Single(r => r.Type == "Microsoft.Web/sites").Text("name"));
    }

    [Fact]
    public void The_training_job_takes_the_cores_and_memory_of_the_gpu_profile_it_runs_on()
    {
        var training = Module("training").GetProperty("properties").GetProperty("template");
        var allowed = training.GetProperty("parameters").GetProperty("gpuProfileType").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToList();
        var profiles = training.GetProperty("variables").GetProperty("gpuProfiles");
        Assert.Equal(allowed.Order(), profiles.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("[json('8')]", profiles.GetProperty("Consumption-GPU-NC8as-T4").GetProperty("cpu").GetString());
        Assert.Equal("[json('24')]", profiles.GetProperty("Consumption-GPU-NC24-A100").GetProperty("cpu").GetString());
        var job = Resources().Single(r => r.Type == "Microsoft.App/jobs");
        var container = job.Properties.GetProperty("template").GetProperty("containers")[0];
        Assert.Equal("[variables('gpuProfiles')[parameters('gpuProfileType')]]", container.GetProperty("resources").GetString());
    }

    [Fact]
    public void The_database_server_gets_one_change_at_a_time()
    {
        // Azure answers ServerIsBusy to concurrent changes of one flexible server: each waits for the one before.
        var chain = new[]
        {
            "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
            "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
            "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
            "Microsoft.DBforPostgreSQL/flexibleServers/databases",
            "Microsoft.Network/privateEndpoints",
        };
        var changes = Resources().Where(r => r.Module == "postgres" && chain.Contains(r.Type)).ToList();
        Assert.Equal(chain.Length, changes.Count);
        var ordered = new List<Resource> { changes.Single(r => r.Text("dependsOn").Contains("flexibleServers/") is false) };
        while (ordered.Count < changes.Count)
        {
            var last = ordered[^1];
            var name = last.Text("name");
            var reference = $"resourceId('{last.Type}', parameters('serverName'), {name[(name.LastIndexOf(", ", StringComparison.Ordinal) + 2)..^2]})";
            var next = changes.Where(r => !ordered.Contains(r) && r.Text("dependsOn").Contains(reference)).ToList();
            Assert.True(next.Count == 1, $"exactly one change waits for {last.Type} {last.Text("name")}");
            ordered.Add(next[0]);
        }
        Assert.Equal(chain, ordered.Select(r => r.Type));
    }

    [Fact]
    public void The_database_role_of_the_function_app_is_made_for_its_object_id()
    {
        Assert.Contains("outputs.apiPrincipalId.value", Module("training").GetProperty("properties").GetProperty("parameters").GetProperty("postgresReaderObjectId").ToString());
        Assert.Contains("Postgres__ReaderObjectId", Resources().Single(r => r.Type == "Microsoft.App/jobs").Properties.ToString());
    }

    [Fact]
    public void Nothing_reads_a_shared_key_and_the_app_takes_no_basic_publishing_credentials()
    {
        Assert.DoesNotContain("listKeys", Template.Value.ToString());
        Assert.DoesNotContain("sharedKey", Template.Value.ToString());
        var environment = Resources().Single(r => r.Type == "Microsoft.App/managedEnvironments");
        Assert.Equal("azure-monitor", environment.Properties.GetProperty("appLogsConfiguration").GetProperty("destination").GetString());
        var policies = Resources().Where(r => r.Type == "Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(["ftp", "scm"], policies.Select(p => p.Text("name").Split('\'').Reverse().Skip(1).First()).Order());
        Assert.All(policies, p => Assert.False(p.Properties.GetProperty("allow").GetBoolean()));
    }

    [Fact]
    public void Logs_reach_the_workspace_under_a_daily_cap()
    {
        var settings = Resources().Where(r => r.Type == "Microsoft.Insights/diagnosticSettings").ToList();
        Assert.Contains(settings, s => s.Module == "api" && s.Text("scope").Contains("Microsoft.Web/sites"));
        Assert.Contains(settings, s => s.Module == "training" && s.Text("scope").Contains("Microsoft.App/managedEnvironments"));
        Assert.All(settings, s => Assert.False(string.IsNullOrEmpty(s.Properties.GetProperty("workspaceId").GetString())));
        var workspace = Resources().Single(r => r.Type == "Microsoft.OperationalInsights/workspaces");
        Assert.Equal("[parameters('dailyQuotaGb')]", workspace.Properties.GetProperty("workspaceCapping").GetProperty("dailyQuotaGb").GetString());
        Assert.Equal(1, Module("monitoring").GetProperty("properties").GetProperty("template").GetProperty("parameters").GetProperty("dailyQuotaGb").GetProperty("defaultValue").GetInt32());
    }

    /// <summary>The Kusto query of one of the alerts in modules/alerts.bicep.</summary>
    internal static string AlertQuery(string alert) =>
        Module("alerts").GetProperty("properties").GetProperty("template").GetProperty("variables").GetProperty("alerts")
            .EnumerateArray().Single(a => a.GetProperty("name").GetString() == alert).GetProperty("query").GetString()!;

    [Theory]
    [InlineData("api-5xx-rate", "resultCode")]
    [InlineData("api-p95-latency", "percentile(duration, 95)")]
    [InlineData("api-model-load-error", "ModelLoaderService")]
    [InlineData("training-failed", "ContainerAppSystemLogs")]
    public void Each_alert_queries_its_signal_and_tells_the_action_group(string alert, string signal)
    {
        Assert.Contains(signal, AlertQuery(alert));
        var rules = Resources().Single(r => r.Type == "Microsoft.Insights/scheduledQueryRules");
        Assert.Contains("Microsoft.Insights/actionGroups", rules.Properties.GetProperty("actions").GetProperty("actionGroups")[0].GetString());
        Assert.True(rules.Properties.GetProperty("skipQueryValidation").GetBoolean()); // its tables come with the first logs
        // The load-error alert names the logger that sets lastLoadError: a renamed class would silence it.
        Assert.Equal("FaceFunctions.Functions.Serving.ModelLoaderService", typeof(FaceFunctions.Functions.Serving.ModelLoaderService).FullName);
    }

    [Fact]
    public void A_budget_and_always_ready_instances_are_parameters_with_safe_defaults()
    {
        var parameters = Template.Value.GetProperty("parameters");
        Assert.Equal(0, parameters.GetProperty("alwaysReadyInstances").GetProperty("defaultValue").GetInt32());
        Assert.True(parameters.GetProperty("monthlyBudget").GetProperty("defaultValue").GetInt32() > 0);
        var budget = Resources().Single(r => r.Type == "Microsoft.Consumption/budgets");
        Assert.Equal("Monthly", budget.Properties.GetProperty("timeGrain").GetString());
        var scale = Resources().Single(r => r.Type == "Microsoft.Web/sites").Properties.GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency");
        Assert.Contains("parameters('alwaysReadyInstances')", scale.GetProperty("alwaysReady").GetString());
    }
}
