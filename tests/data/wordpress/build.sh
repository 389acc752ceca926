#!/bin/sh
# Builds a real WordPress site from Debian's packages and exports it with WordPress's own
# exporter (export_wp(), what Tools -> Export runs). The export files in this directory are the
# output, committed; tests/wordpress/ imports them. Re-run to regenerate:
#
#   apt-get install -y --no-install-recommends wordpress php-cli php-mysql php-xml
#   sh tests/data/wordpress/build.sh        # MariaDB on 127.0.0.1:3306, root, empty password
#
# No web server is started: the site is built and exported by php-cli alone.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB=${WP_DB:-wp_i15}
mysql -h 127.0.0.1 -P 3306 -u root -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4"
mkdir -p "$WORK/wp-content/uploads" "$WORK/wp-content/plugins" "$WORK/wp-content/themes"
WP_DB="$DB" WP_CONTENT="$WORK/wp-content" php "$HERE/build_site.php" site "$HERE"
# The first export is the site as built; then an editor changes one post and the site is
# exported again (the re-import updates that post and creates nothing).
WP_DB="$DB" WP_CONTENT="$WORK/wp-content" php "$HERE/build_site.php" export "$HERE/export.xml"
WP_DB="$DB" WP_CONTENT="$WORK/wp-content" php "$HERE/build_site.php" edit "$HERE"
WP_DB="$DB" WP_CONTENT="$WORK/wp-content" php "$HERE/build_site.php" export "$HERE/export-edited.xml"
rm -rf "$HERE/uploads"
cp -r "$WORK/wp-content/uploads" "$HERE/uploads"
mysql -h 127.0.0.1 -P 3306 -u root -e "DROP DATABASE \`$DB\`"
echo "wrote $HERE/export.xml, $HERE/export-edited.xml and $HERE/uploads/"
