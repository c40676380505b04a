# Sourced by the scripts that need a Debian package for tests or benchmarks.
# apt_install WHAT PACKAGE...: installs the packages as root (quietly, progress on stderr);
# when not root, says what to install and exits 69 (EX_UNAVAILABLE).
apt_install() {
    local what=$1; shift
    if [ "$(id -u)" != 0 ]; then
        echo "$what is not installed; run as root or: apt-get install $*" >&2
        exit 69
    fi
    echo "installing $what (Debian packages: $*)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
