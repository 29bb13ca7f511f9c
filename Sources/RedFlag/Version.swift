/// The version of redflag, recorded in reports.
public enum RedFlagVersion {
    public static let current = "0.1.0"
}
