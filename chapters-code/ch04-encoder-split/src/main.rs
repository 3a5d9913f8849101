//! Chapter 4's binary: split chapter 3's trained autoencoder into its encoder
//! and decoder, look at the codes, and map them onto a plane.

use ae_support::cli::{CommonArgs, RunResult};
use ae_support::losses::BinaryCrossEntropy;
use ae_support::report::provenance;
use ch03_simple_autoencoder::saved_weights::{DEFAULTS, default_checkpoint};
use ch03_simple_autoencoder::{Architecture, CODE_SIZE, EVAL_BATCH, evaluate, reconstruct};
use ch04_encoder_split::report::{CodeMap, results_text, write_figures};
use ch04_encoder_split::{Provenance, decode, decoder, encode, encoder, load_or_train};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Chapter 4: the encoder and decoder of chapter 3's trained autoencoder, its \
             32-number codes, and a 2-D map of them. --epochs, --batch-size and --seed \
             describe the weights: loaded weights must have been trained with them (and on \
             the same data), missing weights are trained with them."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    /// Chapter 3's simple-autoencoder weights; trained and saved there when missing
    /// [default: target/checkpoints/ch03-simple.safetensors of the workspace]
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
}

#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

fn main() -> ExitCode {
    ae_support::cli::exit_quietly_on_closed_pipe();
    ae_fast::threads::main_thread_joins_pool();
    let cli: Cli = ae_support::cli::parse(&DEFAULTS);
    ae_support::cli::exit_code(run(cli))
}

fn run(cli: Cli) -> RunResult {
    let common = &cli.common;
    let figures = common.prepare_figures_dir("ch04")?;
    let (train, eval) = common.load_splits()?;

    let path = cli
        .checkpoint
        .clone()
        .unwrap_or_else(|| default_checkpoint(Architecture::Simple));
    if !path.exists() {
        println!(
            "no trained weights at {}: training the simple autoencoder now on {} \
             ({} epochs, as chapter 3 would; run chapter 3 first to skip this)",
            path.display(),
            train.description,
            common.epochs
        );
    }
    let (model, origin) = load_or_train(&path, &train, &eval, &common.fit_config())?;
    let weights = match origin {
        Provenance::Loaded => format!("loaded from {}", path.display()),
        Provenance::Trained { .. } => format!("trained now and saved to {}", path.display()),
    };
    println!(
        "simple autoencoder {weights} ({} epochs on {}, batch size {}, seed {})",
        common.epochs, train.description, common.batch_size, common.seed
    );
    let loss = evaluate(&model, &BinaryCrossEntropy, &eval.pixels, EVAL_BATCH);

    // ANCHOR: split_use
    let codes = encode(encoder(&model), &eval.pixels);
    let decoded = decode(decoder(&model), &codes);
    let whole = reconstruct(&model, &eval.pixels);
    // ANCHOR_END: split_use
    if decoded != whole {
        return Err("decoding the codes did not reproduce the autoencoder's output".into());
    }
    println!(
        "encoded {} images into {CODE_SIZE} numbers each; decoder(encoder(x)) == \
         autoencoder(x) for all of them",
        eval.len()
    );

    let map = CodeMap::of(&codes, common.seed);
    let weights = format!(
        "chapter 3's simple autoencoder (784-32-784), {} epochs on {}, batch size {}, seed {}",
        common.epochs, train.description, common.batch_size, common.seed
    );
    let text = results_text(
        &provenance("ch04-encoder-split", &train, &eval),
        &weights,
        loss,
        &eval,
        &codes,
        &map,
    );
    print!("\n{text}");
    // The numbers first: should a figure fail, they are kept.
    let results = figures.join("results.txt");
    ae_support::atomic::write_file(&results, &text)?;
    let (mut written, caption) =
        write_figures(&figures, common.dataset, &eval, &codes, &decoded, &map)?;
    println!("codes.png: {caption}");
    written.insert(0, results);
    for path in written {
        println!("wrote {}", ae_support::paths::shown(&path).display());
    }
    Ok(())
}
