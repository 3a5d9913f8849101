//! Drawing a 32-number code as a small picture, so it can sit in the same
//! grid as the 28 × 28 digits.

/// Rows and columns of the code picture: 4 × 8 = 32 cells.
pub const CODE_ROWS: usize = 4;
/// See [`CODE_ROWS`].
pub const CODE_COLS: usize = 8;

// ANCHOR: code_image
/// A 28 × 28 picture of one 32-number code: 4 rows of 8 cells, each cell
/// 7 pixels tall and 3 wide (2 black columns pad each side), its brightness
/// the code value divided by `brightest` (values at or above it are white).
pub fn code_image(code: &[f32], brightest: f32) -> Vec<f32> {
    assert_eq!(code.len(), CODE_ROWS * CODE_COLS, "a code has 32 numbers");
    let mut image = vec![0.0f32; 28 * 28];
    for y in 0..28 {
        for x in 2..26 {
            let cell = (y / 7) * CODE_COLS + (x - 2) / 3;
            image[y * 28 + x] = (code[cell] / brightest).clamp(0.0, 1.0);
        }
    }
    image
}
// ANCHOR_END: code_image

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_value_fills_its_own_cell() {
        let code: Vec<f32> = (0..32).map(|i| i as f32).collect();
        let image = code_image(&code, 31.0);
        assert_eq!(image[0], 0.0, "padding");
        assert_eq!(image[2], 0.0, "cell 0 holds value 0");
        assert_eq!(
            image[27 * 28 + 25],
            1.0,
            "cell 31 holds the brightest value"
        );
        assert_eq!(image[7 * 28 + 2], 8.0 / 31.0, "row 1 starts with cell 8");
    }
}
