using Microsoft.Playwright;
using Xunit;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (scripts/chromium.sh installs it; test.sh runs it) driven by Playwright, headless, one per test
/// class. Playwright's own browser download cannot run here, so it is pointed at the system's executable
/// (<c>FACEFUNCTIONS_CHROMIUM</c> names another); as root Chromium needs --no-sandbox.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private static readonly string Executable = Environment.GetEnvironmentVariable("FACEFUNCTIONS_CHROMIUM") ?? "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Chromium => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"Chromium is not installed at {Executable}: run 'bash scripts/chromium.sh' (test.sh does).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = Environment.IsPrivilegedProcess ? ["--no-sandbox"] : [],
        });
    }

    /// <summary>A fresh tab (its own sessionStorage) of the given size.</summary>
    /// <param name="bypassContentSecurityPolicy">For injecting axe-core into a page whose policy allows only its own scripts.</param>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, bool bypassContentSecurityPolicy = false)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BypassCSP = bypassContentSecurityPolicy,
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
