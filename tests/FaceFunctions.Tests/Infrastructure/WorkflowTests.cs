using System.Text.RegularExpressions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// The GitHub Actions workflow cannot run here: it is checked offline against GitHub's workflow schema by
/// action-validator (npm), and for what it must do: test with the README's command, deploy only from main, sign in
/// to Azure with OpenID Connect (no stored credential), and read what `azd pipeline config` sets.
/// </summary>
public sealed partial class WorkflowTests
{
    private static string Workflows => Path.Combine(RepositoryPaths.Root, ".github", "workflows");
    private static string Workflow => Path.Combine(Workflows, "ci.yml");

    private static Task<ProcessRunner.Result> ValidateAsync(string file) =>
        ProcessRunner.RunAsync(Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", "action-validator"), [file], TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Every_workflow_meets_githubs_schema()
    {
        var files = Directory.GetFiles(Workflows, "*.yml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var result = await ValidateAsync(file);
            Assert.True(result.ExitCode == 0, $"{file}: {result}");
        }
    }

    [Fact]
    public async Task The_validator_refuses_a_broken_workflow()
    {
        // The check above can fail: a misspelt key and a job that needs one that is not there.
        using var folder = new TempFolder();
        var broken = folder.File("broken.yml");
        await File.WriteAllTextAsync(broken, File.ReadAllText(Workflow).Replace("runs-on:", "run-on:").Replace("needs: test", "needs: tests"));
        var result = await ValidateAsync(broken);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unresolved job tests", result.Output + result.Error);
    }

    [Fact]
    public void It_tests_with_the_readmes_command_and_deploys_main_with_openid_connect_and_no_secret()
    {
        var text = File.ReadAllText(Workflow);
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var jobs = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["jobs"];
        Assert.Contains("bash scripts/test.sh", jobs["test"].ToString());
        Assert.Contains("bash scripts/test.sh", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")));
        var deploy = (YamlMappingNode)jobs["deploy"];
        Assert.Equal("test", deploy["needs"].ToString());
        Assert.Contains("refs/heads/main", deploy["if"].ToString());
        Assert.Equal("write", ((YamlMappingNode)deploy["permissions"])["id-token"].ToString());
        Assert.Contains("--federated-credential-provider github", deploy.ToString());
        foreach (var step in new[] { "azd provision", "azd deploy", "az containerapp job start", "node scripts/sample-queries.mjs \"$API_URL\" --check-answers" })
            Assert.Contains(step, deploy.ToString());
    }

    private static YamlMappingNode DeployJob()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Workflow)));
        return (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["jobs"])["deploy"];
    }

    [Fact]
    public void The_deploy_job_reads_every_variable_and_secret_azd_pipeline_config_sets()
    {
        // Without them a provision from CI is not the team's `azd up`: another resource group (rg-<env>), sign-in
        // off (AUTH_AUTHORITY empty), a new back office key each run.
        var expected = AzdProjectTests.PipelineSettings();
        var env = ((YamlMappingNode)DeployJob()["env"]).Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString());
        Assert.Empty(expected.Keys.Except(env.Keys));
        foreach (var (name, secret) in expected)
            Assert.Contains(secret ? $"secrets.{name} " : $"vars.{name} ", env[name] + " ");
        Assert.Contains("BACK_OFFICE_KEY", expected.Where(e => e.Value).Select(e => e.Key));
        // Only what azd sets comes from the repository's settings, and secrets only as secrets.
        Assert.Empty(env.Keys.Except(expected.Keys));
        var secrets = SecretReference().Matches(File.ReadAllText(Workflow)).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(expected.Where(e => e.Value).Select(e => e.Key).Order(), secrets.Order());
    }

    [GeneratedRegex(@"secrets\.([A-Z0-9_]+)")]
    private static partial Regex SecretReference();

    [Fact]
    public void The_deploy_job_outlasts_its_steps_and_the_training_wait_fits_its_step()
    {
        var job = DeployJob();
        var steps = ((YamlSequenceNode)job["steps"]).Cast<YamlMappingNode>().Where(s => s.Children.ContainsKey("run")).ToList();
        Assert.All(steps, s => Assert.True(s.Children.ContainsKey("timeout-minutes"), $"{s["name"]} has no timeout-minutes"));
        var total = steps.Sum(s => int.Parse(s["timeout-minutes"].ToString()));
        Assert.True(int.Parse(job["timeout-minutes"].ToString()) > total, $"the job's timeout is not above its steps' {total} minutes");
        var training = steps.Single(s => s["name"].ToString() == "Train once");
        var wait = TrainingWait().Match(training["run"].ToString());
        Assert.True(wait.Success, "the training step polls in a counted loop");
        var waitMinutes = int.Parse(wait.Groups[1].Value) * int.Parse(wait.Groups[2].Value) / 60.0;
        Assert.True(int.Parse(training["timeout-minutes"].ToString()) > waitMinutes, $"the training step stops before its {waitMinutes} minute wait");
    }

    [GeneratedRegex(@"seq 1 (\d+)\); do[\s\S]*sleep (\d+)")]
    private static partial Regex TrainingWait();
}
