using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>
/// The job's log: ILogger with message templates, written one plain line a message (warnings and errors named), so that
/// a container's log and bench/accuracy.sh read it as they read the job's output before. Commands that print a result
/// on standard output (evaluate) log to standard error.
/// </summary>
internal static class JobLogging
{
    public static ILoggerFactory Create(bool toStandardError) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Information)
        .AddConsole(options =>
        {
            options.FormatterName = PlainFormatter.Name;
            options.LogToStandardErrorThreshold = toStandardError ? LogLevel.Trace : LogLevel.Warning;
        })
        .AddConsoleFormatter<PlainFormatter, ConsoleFormatterOptions>());

    /// <summary>The message alone; "warning: " or "error: " before those.</summary>
    private sealed class PlainFormatter() : ConsoleFormatter(Name)
    {
        public new const string Name = "plain";

        public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
        {
            var prefix = logEntry.LogLevel switch
            {
                LogLevel.Warning => "warning: ",
                >= LogLevel.Error => "error: ",
                _ => "",
            };
            textWriter.WriteLine(prefix + logEntry.Formatter(logEntry.State, logEntry.Exception));
        }
    }
}
