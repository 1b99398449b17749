pub struct CountiesFile;
