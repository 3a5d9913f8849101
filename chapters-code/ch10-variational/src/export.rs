//! The 2-d decoder for the book's interactive figure, where the page's own
//! JavaScript runs the forward pass, and a fixture of points decoded here,
//! in Rust, for the browser test to compare the page against.
//!
//! Weights travel as base64 of little-endian `f32`: exact, and about half
//! the size of the same numbers written out in decimal.

use crate::latent::decode;
use crate::loss::CHOLLET;
use crate::models::CholletDecoder;
use dfdx::prelude::*;
use std::fmt::Write as _;

/// Chollet's decoder as built on the CPU, with its weights.
pub type BuiltCholletDecoder = <CholletDecoder as BuildOnDevice<Cpu, f32>>::Built;

/// Where the browser test checks the page: the origin, points in each
/// quadrant, and one well outside where training put codes.
pub const FIXTURE_POINTS: [[f32; 2]; 6] = [
    [0.0, 0.0],
    [1.5, -0.5],
    [-2.0, 1.0],
    [0.3, 2.2],
    [-1.0, -1.5],
    [3.5, 3.5],
];

/// `bytes` in standard base64 with padding, what the browser's `atob` reads.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |w, (i, &b)| w | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(word >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn floats_base64(values: &[f32]) -> String {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    base64(&bytes)
}

/// One dense layer as a JSON object: its sizes, its activation, and its
/// weights (`outputs × inputs`, row by row, dfdx's layout) and biases.
fn layer_json<const I: usize, const O: usize>(
    layer: &dfdx::nn::modules::Linear<I, O, f32, Cpu>,
    activation: &str,
) -> String {
    format!(
        "{{\"inputs\":{I},\"outputs\":{O},\"activation\":\"{activation}\",\
         \"weight\":\"{}\",\"bias\":\"{}\"}}",
        floats_base64(&layer.weight.as_vec()),
        floats_base64(&layer.bias.as_vec()),
    )
}

/// The decoder as JSON: two layers, ReLU then sigmoid, and where some
/// images' means lie (`x, y` back to back, with their classes), for the
/// figure to draw under the point.
pub fn decoder_json(
    decoder: &BuiltCholletDecoder,
    provenance: &str,
    means: &[f32],
    labels: &[u8],
) -> String {
    let means: Vec<String> = means.iter().map(|m| format!("{m:.3}")).collect();
    let labels: Vec<String> = labels.iter().map(u8::to_string).collect();
    format!(
        "{{\"about\":{},\"encoding\":\"base64 of little-endian float32\",\
         \"layers\":[{},{}],\"means\":[{}],\"labels\":[{}]}}\n",
        json_string(provenance),
        layer_json(&decoder.0, "relu"),
        layer_json(&decoder.2, "sigmoid"),
        means.join(","),
        labels.join(","),
    )
}

/// [`FIXTURE_POINTS`] and the pixels dfdx decodes them to, as JSON.
pub fn fixture_json(decoder: &BuiltCholletDecoder) -> String {
    let codes: Vec<f32> = FIXTURE_POINTS.iter().flatten().copied().collect();
    let pixels = decode::<_, 2>(decoder, &codes, CHOLLET);
    let mut json = String::from("{\"points\":[");
    for (i, [x, y]) in FIXTURE_POINTS.iter().enumerate() {
        let _ = write!(json, "{}[{x},{y}]", if i > 0 { "," } else { "" });
    }
    json.push_str("],\"pixels\":[");
    for (i, image) in pixels.chunks(ae_support::data::IMAGE_PIXELS).enumerate() {
        let values: Vec<String> = image.iter().map(f32::to_string).collect();
        let _ = write!(
            json,
            "{}[{}]",
            if i > 0 { "," } else { "" },
            values.join(",")
        );
    }
    json.push_str("]}\n");
    json
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_examples() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64(&1.0f32.to_le_bytes()), "AACAPw==");
    }

    #[test]
    fn the_exports_describe_the_decoder_and_its_outputs() {
        let dev = Cpu::seed_from_u64(1);
        let decoder = dev.build_module::<CholletDecoder, f32>();
        let json = decoder_json(&decoder, "a \"test\" model", &[0.5, -1.25], &[7]);
        assert!(json.contains("\"inputs\":2,\"outputs\":256,\"activation\":\"relu\""));
        assert!(json.contains("\"inputs\":256,\"outputs\":784,\"activation\":\"sigmoid\""));
        assert!(json.contains(r#""about":"a \"test\" model""#));
        assert!(json.contains(r#""means":[0.500,-1.250],"labels":[7]"#));
        // 256 × 784 weights of 4 bytes, 3 bytes to 4 characters.
        assert!(json.contains(&floats_base64(&decoder.2.weight.as_vec())));
        assert!(json.len() > 256 * 784 * 4 * 4 / 3);
        let fixture = fixture_json(&decoder);
        assert!(fixture.starts_with("{\"points\":[[0,0],[1.5,-0.5],"));
        assert_eq!(fixture.matches('[').count(), 2 + 2 * FIXTURE_POINTS.len());
    }
}
