//! Where a run's numbers come from, in the words its output and its results
//! file use: the command that reproduces it and the data it saw.

use crate::data::Images;

/// The first two lines of a run's results file: the command that reproduces
/// it and the data it trained and evaluated on, so no number loses its source.
pub fn provenance(package: &str, train: &Images, eval: &Images) -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!(
        "command:  {}\ndata:     {}\n",
        cargo_run_command(package, &args),
        trained_and_evaluated_on(train, eval)
    )
}

/// `cargo run -p <package> -- <args>`, each argument quoted for the shell so
/// the line can be pasted as it is, in bash or zsh (where an unquoted
/// `test[:2000]` is a glob pattern that fails to match).
fn cargo_run_command(package: &str, args: &[String]) -> String {
    let mut command = format!("cargo run -p {package}");
    if !args.is_empty() {
        command.push_str(" --");
        for arg in args {
            command.push(' ');
            command.push_str(&shell_quoted(arg));
        }
    }
    command
}

/// `text` as a shell word: as it is when every character is plain, otherwise in
/// single quotes, inside which only a single quote needs care (`'\''`).
fn shell_quoted(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// "trained on <train> (<n> images), evaluated on <eval> (<m> images)": where
/// a run's numbers come from, as the runs print it and their results files
/// record it.
pub fn trained_and_evaluated_on(train: &Images, eval: &Images) -> String {
    format!(
        "trained on {} ({} images), evaluated on {} ({} images)",
        train.description,
        train.len(),
        eval.description,
        eval.len()
    )
}

#[cfg(test)]
mod tests {
    use super::cargo_run_command;

    fn command(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        cargo_run_command("ch05-denoising", &args)
    }

    #[test]
    fn the_recorded_command_can_be_pasted_into_a_shell() {
        assert_eq!(command(&[]), "cargo run -p ch05-denoising");
        assert_eq!(
            command(&["--train-split", "test[:2000]", "--epochs", "3"]),
            "cargo run -p ch05-denoising -- --train-split 'test[:2000]' --epochs 3"
        );
        assert_eq!(
            command(&["--figures-dir", "my figures", "--beta=1e-4,5e-3", ""]),
            "cargo run -p ch05-denoising -- --figures-dir 'my figures' --beta=1e-4,5e-3 ''"
        );
        assert_eq!(
            command(&["--note", "it's", "$HOME"]),
            r"cargo run -p ch05-denoising -- --note 'it'\''s' '$HOME'"
        );
    }
}
