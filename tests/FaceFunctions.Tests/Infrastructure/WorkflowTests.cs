using Xunit;
using YamlDotNet.RepresentationModel;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// The GitHub Actions workflow cannot run here: it is checked offline against GitHub's workflow schema by
/// action-validator (npm), and for what it must do: test with the README's command, deploy only from main, sign in
/// to Azure with OpenID Connect and no stored secret.
/// </summary>
public sealed class WorkflowTests
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
        Assert.DoesNotContain("secrets.", text);
        foreach (var step in new[] { "azd provision", "azd deploy", "az containerapp job start", "node scripts/sample-queries.mjs \"$API_URL\" --check-answers" })
            Assert.Contains(step, deploy.ToString());
    }
}
