using System.CommandLine;
using FaceFunctions.Options;

namespace FaceFunctions.TrainingJob;

/// <summary>Command-line options whose value is one of an enum's names (<see cref="Choices"/>).</summary>
internal static class ChoiceOptions
{
    /// <summary>The option, its help listing the names; a value that names none is refused with the list.</summary>
    public static Option<T> Create<T>(string name, string description, T defaultValue) where T : struct, Enum => new(name)
    {
        Description = $"{description} One of: {string.Join(", ", Choices.Names<T>())}; default {Choices.NameOf(defaultValue)}.",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Choices.TryParse<T>(text, out var value))
                return value;
            result.AddError($"{name} '{text}' is not one of {string.Join(", ", Choices.Names<T>())}.");
            return defaultValue;
        },
    };
}
