pub fn run(_args: crate::cli::BenchArgs) -> Result<(), crate::Failure> {
    todo!()
}
