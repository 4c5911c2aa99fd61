using System.Text;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>A logger that keeps every message, one line each, for tests that read what the job logged.</summary>
public sealed class LogCapture : ILogger
{
    private readonly StringBuilder _lines = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
            _lines.AppendLine(formatter(state, exception));
    }

    public override string ToString()
    {
        lock (_lines)
            return _lines.ToString();
    }
}
