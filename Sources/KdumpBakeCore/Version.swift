/// kdumpbake's version, shown by `kdumpbake --version` and written into reports.
public enum KdumpBakeVersion {
    public static let current = "0.1.0"
}
