<?php
/*
 * php build_site.php site DIR | edit DIR | export FILE   (run by build.sh)
 *
 * Loads Debian's WordPress (/usr/share/wordpress) on the database named by WP_DB, as its
 * wp-config.php would, and builds the site an editor of a daily briefing would have: posts in
 * the block editor and in the classic editor, categories (two name regions), tags, a draft, a
 * private post, a page, an attachment, shortcodes, the seed article, a whole day's briefing in
 * one post, and posts the importer must send to review.
 */
$mode = $argv[1];
$arg = $argv[2];
$_SERVER['HTTP_HOST'] = 'briefing.example.org';
$_SERVER['SERVER_NAME'] = 'briefing.example.org';
$_SERVER['REQUEST_URI'] = '/';
define('DB_NAME', getenv('WP_DB'));
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '127.0.0.1:3306');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('ABSPATH', '/usr/share/wordpress/');
define('WP_CONTENT_DIR', getenv('WP_CONTENT'));
define('WP_HOME', 'https://briefing.example.org');
define('WP_SITEURL', 'https://briefing.example.org');
define('AUTH_KEY', 'build'); define('SECURE_AUTH_KEY', 'build'); define('LOGGED_IN_KEY', 'build');
define('NONCE_KEY', 'build'); define('AUTH_SALT', 'build'); define('SECURE_AUTH_SALT', 'build');
define('LOGGED_IN_SALT', 'build'); define('NONCE_SALT', 'build');
define('WP_DEBUG', false);
$table_prefix = 'wp_';
if ($mode === 'site') {
    define('WP_INSTALLING', true);
}
require_once ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/export.php';

function post($fields) {
    $id = wp_insert_post(array_merge(['post_type' => 'post', 'post_status' => 'publish'], $fields), true);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
    return $id;
}

function blocks($paragraphs) {
    $out = [];
    foreach ($paragraphs as $p) {
        if (strncmp($p, '<h2', 3) === 0) {
            $out[] = "<!-- wp:heading -->\n$p\n<!-- /wp:heading -->";
        } else {
            $out[] = "<!-- wp:paragraph -->\n<p>$p</p>\n<!-- /wp:paragraph -->";
        }
    }
    return implode("\n\n", $out);
}

function read_full($url) {
    return "… <a href=\"$url\">[To read the full article, click here]</a>";
}

const CNN = 'https://www.cnn.com/2023/04/12/politics/wagner-turkey-weapons-leaked-documents/index.html';

if ($mode === 'site') {
    wp_install('Daily Briefing', 'desk', 'desk@briefing.example.org', true, '', 'desk-password-1');
    update_option('permalink_structure', '/%year%/%monthnum%/%day%/%postname%/');
    update_option('timezone_string', 'America/Toronto');
    update_option('blogdescription', 'The daily briefing');
    flush_rewrite_rules(false);
    // WordPress's own first post (with its comment) and sample pages stay, dated like the rest.
    wp_update_post(['ID' => 1, 'post_date' => '2024-08-01 08:00:00', 'post_date_gmt' => '2024-08-01 12:00:00']);
    wp_update_post(['ID' => 2, 'post_date' => '2024-08-01 08:05:00', 'post_date_gmt' => '2024-08-01 12:05:00']);
    wp_update_post(['ID' => 3, 'post_date' => '2024-08-01 08:10:00', 'post_date_gmt' => '2024-08-01 12:10:00']);
    global $wpdb;
    $wpdb->query("UPDATE {$wpdb->comments} SET comment_date = '2024-08-01 09:00:00', comment_date_gmt = '2024-08-01 13:00:00'");
    $editor = wp_insert_user(['user_login' => 'rachel', 'user_pass' => 'rachel-password-1',
        'user_email' => 'rachel@briefing.example.org', 'display_name' => 'Rachel Editor', 'role' => 'editor']);
    $israel = wp_insert_term('Israel', 'category')['term_id'];
    $ukraine = wp_insert_term('Ukraine', 'category')['term_id'];
    $analysis = wp_insert_term('Analysis & Opinion', 'category')['term_id'];

    // The seed article, in the block editor, as the old site showed it on Sept. 1, 2024.
    $seed = post([
        'post_title' => 'Leaked US Military Document Reveals Russia’s Wagner Mercenary Group Tried to Buy Weapons from NATO Member',
        'post_name' => 'leaked-us-military-document-reveals-russias-wagner-mercenary-group',
        'post_date' => '2024-09-01 06:00:00',
        'post_author' => 1,
        'post_category' => [$ukraine],
        'tags_input' => ['Wagner', 'Turkey', 'NATO'],
        'post_content' => blocks([
            '<strong>Zachary Cohen and Jennifer Hansler</strong><br>CNN, Apr. 12, 2023',
            '“Representatives from the Wagner Group appear to have met with their Turkish contacts just one month after Erdogan’s calls with Putin and Zelensky took place, according to the leaked Pentagon document.”',
            '&nbsp;A Russian paramilitary group fighting in Ukraine on behalf of Vladimir Putin attempted to buy weapons and equipment from an unlikely source: NATO member Turkey, according to a leaked US intelligence document that was obtained by CNN. The leaked document appears to show the lengths the Russian private military group Wagner has gone to try to further strengthen its capabilities as the war in Ukraine – in which it is playing a key role – continues on with no signs of abating.',
            'As a NATO member, Turkey is broadly considered a partner nation to the US and other countries providing direct military support to Ukraine and it has publicly expressed opposition to Russia’s invasion.',
            'It is also home to a major US military base where nuclear weapons are stored and act as an obvious warning sign to deter Russian aggression against NATO members.',
            'According to the US signals intelligence reporting cited in the document, personnel from the Wagner Group met with “Turkish contacts” in early February with the intent “to purchase weapons and equipment from Turkey” that could then be used by Wagner mercenaries who are fighting alongside Russian forces in Ukraine.',
            'It is unclear who those “contacts” were or if the Turkish government was aware of the meetings. There is no evidence that shows that Turkey has moved forward with any arms sales to the Wagner Group. Still, the potential of a NATO ally selling weapons to Russian mercenary forces would likely raise serious concerns in Washington and complicate Ankara’s relationship with other NATO members.',
            read_full(CNN),
        ]),
    ]);

    // The attachment: an image uploaded to the classic-editor post below.
    $upload = wp_upload_bits('map-of-the-region.png', null, file_get_contents(__DIR__ . '/map-of-the-region.png'), '2024/09');
    $classic_content = "Editorial WSJ, July 5, 2024\n\n"
        . "“Their failures created an opening for Reform UK, led by Nigel Farage, a party promising stricter immigration controls and the lower-tax policies the Conservatives once stood for.”\n\n"
        . "Britain’s voters have handed Labour a landslide, but the size of the majority hides how thin its support is.\nKeir Starmer won on a promise of competence rather than a program.\n\n"
        . "[caption id=\"attachment_ATT\" align=\"aligncenter\" width=\"40\"]<img class=\"size-full wp-image-ATT\" src=\"{$upload['url']}\" alt=\"Map\" width=\"40\" height=\"30\" /> The constituencies that changed hands.[/caption]\n\n"
        . "The new government inherits slow growth and strained public services. [tweet id=\"1809000000000000000\"]\n\n"
        . "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]\n\n"
        . "… <a href=\"https://www.wsj.com/articles/britain-moves-left-but-how-far-labour-starmer-election\">[To read the full article, click here]</a>";
    $classic = post([
        'post_title' => 'Britain Moves Left, But How Far?',
        'post_name' => 'britain-moves-left-but-how-far',
        'post_date' => '2024-09-01 07:30:00',
        'post_author' => $editor,
        'post_category' => [$analysis],
        'tags_input' => ['Britain', 'Elections'],
        'post_content' => $classic_content,
    ]);
    $attachment = wp_insert_attachment([
        'post_title' => 'Map of the region',
        'post_name' => 'map-of-the-region',
        'post_mime_type' => 'image/png',
        'post_date' => '2024-09-01 07:20:00',
        'post_content' => '',
        'post_status' => 'inherit',
    ], $upload['file'], $classic);
    wp_update_attachment_metadata($attachment, wp_generate_attachment_metadata($attachment, $upload['file']));
    wp_update_post(['ID' => $classic, 'post_content' => str_replace('ATT', (string) $attachment, $classic_content)]);

    // The same story from a second outlet (the seed's rewritten coverage), the next morning.
    post([
        'post_title' => 'Russian PMC Wagner Group Allegedly Tried to Buy Weapons From NATO Member Turkey',
        'post_name' => 'russian-pmc-wagner-group-allegedly-tried-to-buy-weapons',
        'post_date' => '2024-09-02 06:00:00',
        'post_category' => [$ukraine],
        'tags_input' => ['Wagner', 'Turkey'],
        'post_content' => blocks([
            'IntegrityPress.org, Apr. 14, 2023',
            '“Wagner Group mercs met with “contacts” they had in Turkey in early February in order to obtain weapons and equipment from them.”',
            'According to an intelligence report that some media outlets have received, the Wagner Group, a Russian paramilitary organization engaged in fighting in Ukraine, tried to buy weapons and equipment from Turkey, a member of NATO. This suggests the lengths that the Wagner Group is willing to go to strengthen its capabilities as the war in Ukraine continues.',
            'As a warning to dissuade Russian aggression against NATO countries, Turkey even also has a significant US military base where nuclear warheads are stored. There is no evidence to suggest that Turkey has sold arms to the Wagner Group.',
            read_full('https://integritypress.org/2023/04/14/russian-pmc-wagner-group-turkey-weapons/'),
        ]),
    ]);

    // A whole day's briefing in one post: three excerpts one after another, with a gallery.
    post([
        'post_title' => 'Daily Briefing: Tuesday, September 3, 2024',
        'post_name' => 'daily-briefing-september-3-2024',
        'post_date' => '2024-09-03 06:00:00',
        'post_category' => [$israel],
        'tags_input' => ['Iran'],
        'post_content' => blocks([
            '<h2 class="wp-block-heading">Day 5 of the War: Israel Internalizes the Horrors, and Knows Its Survival Is at Stake</h2>',
            'David Horovitz<br>Times of Israel, Oct. 11, 2023',
            '“The more credible assessments are that the regime in Iran, avowedly bent on Israel’s elimination, did not work out the details of the attack.”',
            'Five days in, Israel is still counting its dead. The scale of the massacre is only now becoming clear.',
            read_full('https://www.timesofisrael.com/day-5-of-the-war-israel-internalizes-the-horrors/'),
            '<h2 class="wp-block-heading">Sukkah in the Skies with Diamonds</h2>',
            'Gershon Winkler<br>The Forward, Oct. 14, 2022',
            '“But my father, he was unconcerned that he and his sukkah could conceivably – at any moment – break loose.”',
            'Every autumn my father built his sukkah on the roof of our apartment building. [gallery ids="' . $attachment . '" columns="1"]',
            read_full('https://forward.com/opinion/sukkah-in-the-skies-with-diamonds/'),
            '<h2 class="wp-block-heading">Why Iran Is Betting on Its Proxies</h2>',
            'Suzanne Maloney, Ray Takeyh and Dalia Dassa Kaye<br>Analysis Foreign Affairs, Aug. 30, 2024',
            '“Tehran has learned that its proxies buy it deniability at a price it can afford.”',
            'For four decades, the Islamic Republic has built a network of militias across the region.',
            read_full('https://www.foreignaffairs.com/iran/why-iran-betting-its-proxies'),
        ]),
    ]);

    // Posts the importer cannot read with confidence: they go to the desk as drafts.
    post([
        'post_title' => 'A Note from the Editors',
        'post_name' => 'a-note-from-the-editors',
        'post_date' => '2024-09-03 09:00:00',
        'post_category' => [1],
        'post_content' => "The briefing takes a break for the holiday and returns on Monday.\n\nThank you for reading.",
    ]);
    post([
        'post_title' => 'Ceasefire Talks Resume in Cairo',
        'post_name' => 'ceasefire-talks-resume-in-cairo',
        'post_date' => '2024-09-04 06:00:00',
        'post_category' => [$israel],
        'post_content' => blocks([
            'Amos Harel<br>Haaretz, Sept. 3, 2024, updated Sept. 4, 2024',
            '“Both sides say the gaps are narrowing.”',
            'Negotiators returned to Cairo on Tuesday.',
            read_full('https://www.haaretz.com/israel-news/2024-09-03/ceasefire-talks-resume-in-cairo'),
        ]),
    ]);
    // The seed article excerpted again a week later: the same original URL.
    post([
        'post_title' => 'Wagner Tried to Buy Arms from Turkey (again)',
        'post_name' => 'wagner-tried-to-buy-arms-from-turkey-again',
        'post_date' => '2024-09-04 07:00:00',
        'post_category' => [$ukraine],
        'post_content' => blocks([
            'Zachary Cohen<br>CNN, Apr. 12, 2023',
            '“Representatives from the Wagner Group appear to have met with their Turkish contacts.”',
            'A Russian paramilitary group attempted to buy weapons from NATO member Turkey.',
            read_full('http://cnn.com/2023/04/12/politics/wagner-turkey-weapons-leaked-documents/index.html?utm_source=twitter'),
        ]),
    ]);

    // A draft, a private post and a page.
    post([
        'post_title' => 'Hezbollah Moves Rockets South',
        'post_name' => 'hezbollah-moves-rockets-south',
        'post_status' => 'draft',
        'post_date' => '2024-09-05 06:00:00',
        'post_category' => [$israel],
        'post_content' => blocks([
            'Seth J. Frantzman<br>Jerusalem Post, Sept. 4, 2024',
            '“The rockets are being moved closer to the border.”',
            'Satellite images show new launch sites.',
            read_full('https://www.jpost.com/middle-east/article-818000'),
        ]),
    ]);
    post([
        'post_title' => 'Supporting Members: September Update',
        'post_name' => 'supporting-members-september-update',
        'post_status' => 'private',
        'post_date' => '2024-09-02 12:00:00',
        'post_content' => "Thank you to our supporting members.",
    ]);
    post([
        'post_type' => 'page',
        'post_title' => 'About the Daily Briefing',
        'post_name' => 'about',
        'post_date' => '2024-08-01 12:00:00',
        'post_content' => "<p>The Daily Briefing collects the day's most important articles.</p>\n\n[contact-form-7 id=\"12\" title=\"Subscribe\"]",
    ]);
    echo "built the site\n";
} elseif ($mode === 'edit') {
    // An editor fixes a typo in one post after the first export.
    $found = get_posts(['name' => 'britain-moves-left-but-how-far', 'post_type' => 'post', 'numberposts' => 1]);
    wp_update_post(['ID' => $found[0]->ID, 'post_content' => str_replace(
        'the size of the majority hides how thin its support is.',
        'the size of its majority hides how thin its support is.',
        $found[0]->post_content)]);
    echo "edited post {$found[0]->ID}\n";
} elseif ($mode === 'export') {
    ob_start();
    export_wp(['content' => 'all']);
    $xml = ob_get_clean();
    // The one line that changes on every run (the time of the export) is fixed, so a rebuild
    // only shows real differences.
    $xml = preg_replace('#<pubDate>[^<]*</pubDate>(\s*<language>)#', '<pubDate>Sun, 15 Sep 2024 12:00:00 +0000</pubDate>$1', $xml, 1);
    $xml = preg_replace('#created="[^"]*"#', 'created="2024-09-15 12:00"', $xml, 1);
    file_put_contents($arg, $xml);
    echo "exported to $arg\n";
}
