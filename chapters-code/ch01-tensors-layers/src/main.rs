//! Chapter 1's binary: a printed tour of tensors of rank 0 to 3, a small
//! network as a tuple of layers, and one step of learning, whose numbers also
//! go to a results file that the book includes. No data, no network access, a
//! fraction of a second.

use ae_support::batching::Batch;
use ae_support::cli::{OutputArgs, RunResult};
use ae_support::summary::summary;
use ch01_tensors_layers::layers::format_row;
use ch01_tensors_layers::{
    TinyNet, TinyNetModel, describe_linear, matrix, scalar, sgd_step, stack_of_matrices, toy_batch,
    vector, walk_layers,
};
use clap::Parser;
use dfdx::prelude::*;
use std::fmt::Write as _;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 1: tensors of rank 0 to 3, a 4-3-2 network as a tuple of layers, \
             and one optimiser step"
)]
struct Cli {
    /// Seeds the weights and the toy batch: the same seed gives the same tour.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Learning rate of the optimiser step.
    #[arg(long, alias = "lr", default_value_t = 0.1, value_parser = ae_support::cli::positive_f64)]
    learning_rate: f64,
    #[command(flatten)]
    output: OutputArgs,
}

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    let cli = Cli::parse();
    ae_support::cli::exit_code(run(&cli))
}

fn run(cli: &Cli) -> RunResult {
    let dir = cli.output.prepare("ch01")?;
    let dev = Cpu::seed_from_u64(cli.seed);
    tour_of_tensors(&dev);
    let mut model = dev.build_module::<TinyNet, f32>();
    let first_layer = tour_of_layers(&dev, &model);
    let learning = one_step_of_learning(&dev, &mut model, cli);
    print!("{}", learning.text);
    // The two files the book includes, written before the check below: a
    // step that fails is worth reading too.
    for (name, text) in [
        ("first-layer.txt", &first_layer),
        ("results.txt", &learning.text),
    ] {
        let path = dir.join(name);
        ae_support::atomic::write_file(&path, text)?;
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    learning.verdict
}

fn heading(title: &str) {
    println!("\n== {title} ==");
}

fn tour_of_tensors(dev: &Cpu) {
    heading("Tensors: the shape is part of the type");
    let s = scalar(dev);
    let v = vector(dev);
    let m = matrix(dev);
    println!(
        "scalar  Rank0        shape {:?}  {}",
        s.shape().concrete(),
        s.array()
    );
    println!(
        "vector  Rank1<3>     shape {:?}  {}",
        v.shape().concrete(),
        format_row(&v.array())
    );
    println!("matrix  Rank2<2, 3>  shape {:?}", m.shape().concrete());
    for row in m.array() {
        println!("    {}", format_row(&row));
    }

    let stack = stack_of_matrices(dev);
    println!(
        "stack   Rank3<4, 2, 3> shape {:?}: an array of 4 matrices",
        stack.shape().concrete()
    );
    for k in 0..4 {
        // `select` takes matrix k out of the stack: rank 3 in, rank 2 out.
        let one: Tensor<Rank2<2, 3>, f32, Cpu> = stack.clone().select(dev.tensor(k));
        let rows: Vec<String> = one.array().iter().map(|r| format_row(r)).collect();
        println!("    matrix {k}: {}", rows.join(" "));
    }

    let ones: Tensor<Rank2<3, 4>, f32, Cpu> = dev.ones();
    let product: Tensor<Rank2<2, 4>, f32, Cpu> = m.matmul(ones);
    println!(
        "matrix (2, 3) times ones (3, 4) = shape {:?}:",
        product.shape().concrete()
    );
    for row in product.array() {
        println!("    {}", format_row(&row));
    }
}

/// Prints the summary, the shapes layer by layer and both layers' weights;
/// returns the first layer's description, which the book shows.
fn tour_of_layers(dev: &Cpu, model: &TinyNetModel) -> String {
    heading("Layers: a network is a tuple of layers");
    print!("{}", summary(model));

    println!("\na batch of 5 examples, layer by layer:");
    let x: Batch<4> = dev.sample_uniform_like(&(5, Const));
    for step in walk_layers(model, x) {
        println!("  {:<18} {:?} -> {:?}", step.layer, step.input, step.output);
    }
    println!();
    let first_layer = describe_linear("0", &model.0);
    print!("{first_layer}");
    print!("{}", describe_linear("2", &model.2));
    first_layer
}

/// The learning step's report, and whether the loss fell.
struct Learning {
    text: String,
    verdict: RunResult,
}

fn one_step_of_learning(dev: &Cpu, model: &mut TinyNetModel, cli: &Cli) -> Learning {
    heading("Learning: weights are tensors that change");
    let (inputs, targets) = toy_batch(dev, cli.seed);
    let before = model.0.weight.array();
    let report = sgd_step(model, inputs, targets, cli.learning_rate);
    let after = model.0.weight.array();
    let mut text = format!(
        "one step of SGD (learning rate {}, seed {}) on a batch of 8 made-up examples:\n",
        cli.learning_rate, cli.seed
    );
    let _ = writeln!(
        text,
        "  loss (mean squared error) {:.4} -> {:.4}",
        report.loss_before, report.loss_after
    );
    text.push_str("  layer 0 weight, before | gradient | after:\n");
    for r in 0..before.len() {
        let _ = writeln!(
            text,
            "    {} | {} | {}",
            format_row(&before[r]),
            format_row(&report.first_weight_gradient[r]),
            format_row(&after[r])
        );
    }
    let verdict = if report.loss_after >= report.loss_before {
        Err(format!(
            "the loss did not fall ({:.4} -> {:.4}): try a smaller --learning-rate",
            report.loss_before, report.loss_after
        )
        .into())
    } else {
        Ok(())
    };
    Learning { text, verdict }
}
