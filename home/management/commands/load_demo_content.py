"""Fill an empty Newsdesk with a demo newsroom: site tree, users, authors and ~30 posts.

Idempotent: running it again creates nothing that is already there (pages are found by
slug, authors by name, images by title, users by username) and never changes a password
it did not set. All text is invented for Newsdesk; images are drawn with Pillow.

The front page gets an editor's pick for the lead story and three sections by tag the
first time (an editor's own choices are kept afterwards), and a breaking story that has
just gone live: each run (every ``make run``) brings it back into the breaking strip
when its ``NEWSDESK_BREAKING_HOURS`` have passed.

    python manage.py load_demo_content [--password PASSWORD] [--posts N]
"""

import datetime
import io
import random
import textwrap

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Site

from home.models import HomePage, HomePageSection, StandardPage
from news.comments.models import Comment
from news.models import Author, Disclaimer, NewsIndexPage, NewsPage, NewsPageAuthor, NewsSettings

DEFAULT_PASSWORD = "newsdesk-demo"  # noqa: S105 - printed for the demo logins

# (username, role, group name or None for the superuser)
DEMO_USERS = [
    ("admin", "administrator", None),
    ("editor", "editor", settings.NEWSDESK_EDITORS_GROUP),
    ("moderator", "moderator", settings.NEWSDESK_MODERATORS_GROUP),
]

# (name, role, bio, portrait colours): each has an author page, /news/authors/<slug>/.
AUTHORS = [
    (
        "Maren Holt",
        "City and harbour reporter",
        "Covers city hall and the harbour for the Port Alder desk.",
        ((18, 52, 86), (232, 160, 82)),
    ),
    (
        "Tomasz Wierzbicki",
        "Science and climate correspondent",
        "Science and climate correspondent.",
        ((28, 87, 62), (246, 214, 92)),
    ),
    (
        "Adaeze Okafor",
        "Business editor",
        "Business editor; writes about trade, energy and work.",
        ((94, 33, 41), (214, 198, 170)),
    ),
    (
        "Luis Ferreira",
        "Sports and culture writer",
        "Sports and culture, with a weakness for lower-league football.",
        ((20, 60, 30), (230, 230, 230)),
    ),
    (
        "Priya Raman",
        "Night editor",
        "Night editor and live-blog lead.",
        ((25, 20, 48), (240, 90, 120)),
    ),
]

IMAGES = [
    ("Harbour at dawn", (18, 52, 86), (232, 160, 82)),
    ("Council chamber", (94, 33, 41), (214, 198, 170)),
    ("Solar farm on the ridge", (28, 87, 62), (246, 214, 92)),
    ("Flooded river meadow", (40, 70, 110), (150, 190, 210)),
    ("Night market lights", (25, 20, 48), (240, 90, 120)),
    ("Stadium under floodlights", (20, 60, 30), (230, 230, 230)),
    ("Research vessel in port", (60, 70, 80), (200, 120, 60)),
    ("Tram depot", (70, 50, 30), (120, 180, 220)),
]

TAGS = [
    "Port Alder",
    "Politics",
    "Climate",
    "Business",
    "Transport",
    "Sport",
    "Culture",
    "Science",
]

# (headline, tags, breaking)
# Submitted for review by the editor, not yet published (submit_post_for_review).
REVIEW_POST = "Ferry timetable changes from Monday as the old pier closes for repairs"

POSTS = [
    ("Council approves new harbour wall after winter storms", ["Port Alder", "Politics"], False),
    ("Tram line to the university opens two months early", ["Transport", "Port Alder"], False),
    ("Research vessel returns with record plankton samples", ["Science", "Climate"], False),
    ("Night market moves to the old tram depot", ["Culture", "Port Alder"], False),
    ("Ferry operator cuts winter timetable", ["Transport", "Business"], False),
    ("Alder Rovers promoted after last-minute winner", ["Sport"], False),
    ("Solar farm on the ridge doubles its output", ["Climate", "Business"], False),
    ("River meadow flood defences tested by heavy rain", ["Climate", "Port Alder"], True),
    ("Budget vote delayed as coalition talks stall", ["Politics"], False),
    ("Shipyard wins order for three electric tugs", ["Business", "Port Alder"], False),
    ("Library reopens with a rooftop reading room", ["Culture"], False),
    ("Cycle lanes extended along the waterfront", ["Transport"], False),
    ("Storm warning issued for the northern coast", ["Climate"], True),
    ("Fishing quotas: what the new agreement means", ["Business", "Politics"], False),
    ("Museum unveils restored lighthouse lens", ["Culture", "Port Alder"], False),
    ("Water company fined over sewage overflows", ["Climate", "Business"], False),
    ("Youth orchestra tours the islands", ["Culture"], False),
    ("Mayor announces inquiry into bus contract", ["Politics", "Transport"], True),
    ("Heat pumps: council offers grants to 2,000 homes", ["Climate", "Politics"], False),
    ("Rovers sign goalkeeper from the capital", ["Sport"], False),
    ("Port traffic rises for the fifth month running", ["Business", "Port Alder"], False),
    ("Seagrass planting season begins in the bay", ["Science", "Climate"], False),
    ("Hospital opens night clinic for minor injuries", ["Port Alder"], False),
    ("University spin-out raises funds for tidal turbine", ["Science", "Business"], False),
    ("Marathon route changed to avoid harbour works", ["Sport", "Transport"], False),
    ("Election: three candidates enter mayoral race", ["Politics"], False),
    ("Rail freight terminal plan goes to public hearing", ["Transport", "Business"], False),
    ("Astronomers spot comet from the observatory hill", ["Science"], False),
    ("Film festival announces harbour-front screenings", ["Culture"], False),
    ("Power restored after substation fire", ["Port Alder"], True),
]

# Just gone live when the demo is loaded (and again on a later run once its breaking strip
# would have gone), so the front page shows a breaking strip.
BREAKING_POST = "Harbour bridge closed after a lorry strikes the railing"

# The front page's sections by tag, the first time: (tag, heading or "", posts).
FRONT_SECTIONS = [
    ("Port Alder", "Around Port Alder", 3),
    ("Climate", "", 3),
    ("Culture", "Culture and weekend", 3),
]

SENTENCES = [
    "Officials said the decision followed months of consultation with residents.",
    "The plan will be reviewed again in the spring, according to a council spokesperson.",
    "Local businesses welcomed the news, though some warned of disruption during the works.",
    "Figures published on Monday show a steady rise since the start of the year.",
    "Opposition members questioned the cost and asked for an independent review.",
    "Residents gathered at the quay to watch the first day of work.",
    "The project is funded by a mix of regional grants and private investment.",
    "Experts cautioned that the long-term effects will take years to measure.",
    "A public meeting is planned at the town hall next week.",
    "The union said it would study the proposals before responding.",
    "Volunteers have been helping since the early hours of the morning.",
    "The timetable could still change if the weather turns, organisers said.",
    "It is the largest investment of its kind in the region for a decade.",
    "Campaigners said the announcement was a first step, not a solution.",
]

QUOTES = [
    (
        "<p>We have listened to <i>every</i> objection and changed the plan where we could.</p>",
        "A council spokesperson",
        "AFP",
    ),
    (
        "<p>The numbers are <b>better than anyone expected</b> this early in the season.</p>",
        "Harbour master Ines Kalda",
        "Reuters",
    ),
    (
        "<p>This is a good day for the town.</p><p>But the hard work starts now.</p>",
        "Mayor Odile Brandt",
        "Newsdesk wire",
    ),
    (
        "<p>Our crews will keep working through the night until every home is "
        'reconnected: <a href="https://example.org/outages">check the outage map</a>.</p>',
        "Grid operator statement",
        "AP",
    ),
]


# Blocks only some posts have, by post number in POSTS: a table in the timetable story,
# the sample log in the research vessel's.
EXTRA_BLOCKS = {
    2: [
        {
            "type": "code",
            "value": {
                "language": "csv",
                "code": "station,depth_m,count_per_litre\nA1,5,1840\nA1,20,960\nB4,5,2210",
            },
        }
    ],
    4: [
        {
            "type": "table",
            "value": {
                "data": [
                    ["Route", "Summer", "Winter"],
                    ["Harbour to Island", "Every 30 min", "Hourly"],
                    ["Harbour to Ridge Point", "Hourly", ""],
                    ["Night crossing", "Fri, Sat", "Sat"],
                ],
                "table_header_choice": "row",
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "Sailings from 1 November (Ridge Point: no winter service)",
            },
        }
    ],
}


# Reader comments on the newest posts: (key, post number in POSTS, reply to key, name,
# website, body, status). Found again by source_id "demo:<key>", so reruns add nothing.
DEMO_COMMENTS = [
    (
        "wall-1",
        0,
        None,
        "Ines Kalda",
        "",
        "About time. The old wall has been patched every winter since I was a child.",
        Comment.Status.APPROVED,
    ),
    (
        "wall-2",
        0,
        "wall-1",
        "Tomas Berg",
        "https://tomas.example/",
        "Agreed, but who pays for the upkeep once the grants run out?",
        Comment.Status.APPROVED,
    ),
    (
        "wall-3",
        0,
        None,
        "Harbour watcher",
        "",
        "Will the fishing boats still be able to use the north slip during the works?",
        Comment.Status.APPROVED,
    ),
    (
        "tram-1",
        1,
        None,
        "Sara Lind",
        "",
        "Took it this morning: twelve minutes from the station to the library.",
        Comment.Status.APPROVED,
    ),
    (
        "tram-2",
        1,
        None,
        "A. Reader",
        "",
        "Is there a timetable for weekends yet? I could not find one.",
        Comment.Status.PENDING,
    ),
]


def draw_image(title, background, accent, size=(1600, 900)):
    """A simple generated picture: a two-colour gradient, shapes and the title."""
    width, height = size
    picture = PILImage.new("RGB", size, background)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        mix = y / height
        colour = tuple(
            int(b * (1 - mix) + a * mix * 0.6) for b, a in zip(background, accent, strict=True)
        )
        draw.line([(0, y), (width, y)], fill=colour)
    rng = random.Random(title)
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height // 3, height)
        radius = rng.randrange(60, 260)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=accent, width=6)
    draw.rectangle([0, height - 140, width, height], fill=(0, 0, 0))
    draw.text((60, height - 100), title.upper(), fill=accent, font_size=56)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=82)
    return buffer


def draw_portrait(name, background, accent, size=400):
    """A stand-in author photo: the initials on a circle, square for the author page."""
    picture = PILImage.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(picture)
    margin = size // 10
    draw.ellipse([margin, margin, size - margin, size - margin], fill=accent)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    draw.text((size / 2, size / 2), initials, fill=background, font_size=size // 3, anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer


def post_slug(headline):
    slug = textwrap.shorten(headline, 60, placeholder="").lower()
    slug = "".join(ch if ch.isalnum() else "-" for ch in slug).strip("-")
    return "-".join(part for part in slug.split("-") if part)


def paragraph_html(rng, count):
    return "<p>" + " ".join(rng.sample(SENTENCES, count)) + "</p>"


class Command(BaseCommand):
    help = "Load demo content (site tree, users, authors, posts). Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password for newly created demo users (default: {DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--posts",
            type=int,
            default=len(POSTS),
            help=f"How many demo posts to create, 0 to {len(POSTS)} (default: {len(POSTS)})",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with production settings (creates users with known passwords)",
        )

    def handle(self, *args, **options):
        if settings.NEWSDESK_ENVIRONMENT == "production" and not options["allow_production"]:
            raise CommandError(
                "refusing to load demo content with production settings: it creates users "
                "with known passwords. Pass --allow-production if you really mean it."
            )
        post_count = options["posts"]
        if not 0 <= post_count <= len(POSTS):
            raise CommandError(f"--posts must be between 0 and {len(POSTS)}, not {post_count}")
        if len(options["password"]) < 8:
            raise CommandError("--password must be at least 8 characters long")

        with transaction.atomic():
            users = self.create_users(options["password"])
            home = self.create_site_tree()
            authors = self.create_authors()
            images = self.create_images()
            disclaimers = self.create_disclaimers(home)
            index = home.get_children().type(NewsIndexPage).first().specific
            created = self.create_posts(
                index,
                users["editor"][0],
                users["moderator"][0],
                authors,
                images,
                disclaimers,
                post_count,
            )
            comments = self.create_comments(index, users["moderator"][0])
            if post_count:
                self.submit_post_for_review(index, users["editor"][0], authors, images)
                self.keep_breaking_news(index, users["moderator"][0], authors, images)
                self.set_up_front_page(home, index)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {created} new posts, {comments} new reader comments."
            )
        )
        self.stdout.write("Logins (admin at /admin/):")
        for username, (_user, password) in users.items():
            shown = password if password else "(existing account; password not changed)"
            self.stdout.write(f"  {username:<10} {shown}")

    def create_users(self, password):
        User = get_user_model()
        users = {}
        for username, role, group_name in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@newsdesk.invalid",
                    "first_name": role.capitalize(),
                    "last_name": "Demo",
                    "is_staff": group_name is None,
                    "is_superuser": group_name is None,
                },
            )
            if created:
                user.set_password(password)
                user.save()
            if group_name is not None:
                group = Group.objects.filter(name=group_name).first()
                if group is None:
                    raise CommandError(
                        f"group {group_name!r} is missing: run 'manage.py migrate' first"
                    )
                user.groups.add(group)
            users[username] = (user, password if created else None)
        return users

    def create_site_tree(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None or not isinstance(site.root_page.specific, HomePage):
            raise CommandError(
                "the default site has no Newsdesk home page: run 'manage.py migrate' on an "
                "empty database first"
            )
        home = site.root_page.specific
        if not home.intro:
            home.title = "Newsdesk"
            home.intro = "<p>News from Port Alder and the coast, updated through the day.</p>"
            home.save_revision().publish()
        children = {page.slug: page for page in home.get_children()}
        if "news" not in children:
            index = NewsIndexPage(
                title="News",
                slug="news",
                intro="<p>Every story, newest first.</p>",
                show_in_menus=True,
            )
            home.add_child(instance=index)
            index.save_revision().publish()
        for slug, title, intro, body in [
            (
                "about",
                "About",
                "Newsdesk is an independent newsroom covering Port Alder and the coast.",
                "<p>We publish news, analysis and live coverage. "
                "Corrections are noted at the foot of each story.</p>",
            ),
            (
                "contact",
                "Contact",
                "Tips, corrections and letters are always welcome.",
                "<p>Write to the news desk at newsdesk@newsdesk.invalid.</p>",
            ),
        ]:
            if slug not in children:
                page = StandardPage(
                    title=title,
                    slug=slug,
                    intro=intro,
                    body=[{"type": "paragraph", "value": body}],
                    show_in_menus=True,
                )
                home.add_child(instance=page)
                page.save_revision().publish()
        return home

    def create_authors(self):
        """The demo authors with role, bio and a drawn portrait; what an editor has
        filled in since (a role, a photo) is kept."""
        Image = get_image_model()
        authors = []
        for name, role, bio, (background, accent) in AUTHORS:
            author, _ = Author.objects.get_or_create(name=name, defaults={"bio": bio})
            changed = []
            if not author.job_title:
                author.job_title = role
                changed.append("job_title")
            if author.photo_id is None:
                title = f"Portrait of {name}"
                photo = Image.objects.filter(title=title).first()
                if photo is None:
                    photo = Image(
                        title=title,
                        description=f"Stand-in portrait of {name}",
                        file=ImageFile(
                            draw_portrait(name, background, accent),
                            name=f"portrait-{author.slug or 'author'}.jpg",
                        ),
                    )
                    photo.save()
                author.photo = photo
                changed.append("photo")
            if changed:
                author.save(update_fields=changed)
            authors.append(author)
        return authors

    def create_images(self):
        Image = get_image_model()
        images = []
        for title, background, accent in IMAGES:
            image = Image.objects.filter(title=title).first()
            if image is None:
                buffer = draw_image(title, background, accent)
                filename = title.lower().replace(" ", "-") + ".jpg"
                image = Image(
                    title=title,
                    description=f"Illustration: {title.lower()}",
                    file=ImageFile(buffer, name=filename),
                )
                image.save()
            images.append(image)
        return images

    def create_disclaimers(self, home):
        standing, _ = Disclaimer.objects.get_or_create(
            title="Standing disclaimer",
            defaults={
                "text": "<p>Newsdesk corrects errors promptly. "
                "Write to corrections@newsdesk.invalid.</p>"
            },
        )
        opinion, _ = Disclaimer.objects.get_or_create(
            title="Opinion",
            defaults={"text": "<p>Views expressed in this piece are the author's own.</p>"},
        )
        site = Site.objects.get(root_page=home)
        news_settings = NewsSettings.for_site(site)
        if news_settings.default_disclaimer is None:
            news_settings.default_disclaimer = standing
            news_settings.save()
        return {"standing": standing, "opinion": opinion}

    def create_posts(self, index, owner, publisher, authors, images, disclaimers, post_count):
        """Create the demo posts written by ``owner`` and published by ``publisher``."""
        existing = {page.slug: page for page in NewsPage.objects.child_of(index)}
        today = datetime.date.today()
        created = 0
        published = []
        # Oldest first, so that related-article links can point at earlier posts.
        for number, (headline, tags, breaking) in reversed(list(enumerate(POSTS[:post_count]))):
            slug = post_slug(headline)
            if slug in existing:
                published.append(existing[slug])
                continue
            rng = random.Random(slug)
            post = NewsPage(
                title=headline,
                slug=slug,
                owner=owner,
                publication_date=today - datetime.timedelta(days=number * 4),
                summary=rng.choice(SENTENCES),
                lead_image=images[number % len(images)],
                breaking=breaking,
                source_name="AFP" if number % 3 == 0 else "",
                source_url="https://www.afp.com/" if number % 3 == 0 else "",
                site_disclaimer="auto" if number % 5 != 4 else "never",
                body=self.post_body(rng, number, images, published, disclaimers),
            )
            post.news_authors = [
                NewsPageAuthor(author=author)
                for author in rng.sample(authors, 1 if number % 4 else 2)
            ]
            post.tags.add(*tags)
            index.add_child(instance=post)
            post.save_revision(user=owner).publish(user=publisher)
            published.append(post)
            created += 1
        return created

    def submit_post_for_review(self, index, editor, authors, images):
        """A post the editor has submitted and the moderator has yet to review, so the
        dashboard's "Awaiting your review" has something in it from the start."""
        slug = post_slug(REVIEW_POST)
        if NewsPage.objects.child_of(index).filter(slug=slug).exists():
            return
        rng = random.Random(slug)
        post = NewsPage(
            title=REVIEW_POST,
            slug=slug,
            owner=editor,
            live=False,
            summary="Sailings move to the new pier while the old one is repaired.",
            lead_image=images[0],
            body=[
                {"type": "paragraph", "value": paragraph_html(rng, 3)},
                {
                    "type": "quote",
                    "value": {
                        "text": (
                            "<p>Passengers should allow ten more minutes to reach the pier.</p>"
                        ),
                        "attribution": "A ferry company spokesperson",
                        "source_name": "AFP",
                        "source_url": "https://www.afp.com/",
                    },
                },
            ],
        )
        post.news_authors = [NewsPageAuthor(author=authors[0])]
        post.tags.add("Transport", "Port Alder")
        index.add_child(instance=post)
        revision = post.save_revision(user=editor)
        workflow = post.get_workflow()
        if workflow is not None:
            workflow.start(post, editor)
        return revision

    def keep_breaking_news(self, index, publisher, authors, images):
        """The breaking post (``BREAKING_POST``), created live now, or brought back into
        the front page's breaking strip (its go-live time and date set to now, a new
        revision published) once the strip's hours have passed since it went live."""
        slug = post_slug(BREAKING_POST)
        now = timezone.now()
        post = NewsPage.objects.child_of(index).filter(slug=slug).first()
        if post is None:
            rng = random.Random(slug)
            post = NewsPage(
                title=BREAKING_POST,
                slug=slug,
                owner=publisher,
                publication_date=timezone.localdate(now),
                summary="Traffic is diverted over the old swing bridge while engineers "
                "inspect the damage.",
                lead_image=images[7 % len(images)],
                breaking=True,
                # One paragraph block: an import joins adjacent paragraphs (round trip).
                body=[
                    {
                        "type": "paragraph",
                        "value": paragraph_html(rng, 3)
                        + '<p>Diversions and bus times: <a href="https://travel.port-alder'
                        ".example/bridge\">the council's travel page</a>.</p>",
                    }
                ],
            )
            post.news_authors = [NewsPageAuthor(author=authors[4 % len(authors)])]
            post.tags.add("Port Alder", "Transport")
            index.add_child(instance=post)
            post.save_revision(user=publisher).publish(user=publisher)
            return
        window = datetime.timedelta(hours=settings.NEWSDESK_BREAKING_HOURS)
        if post.live and post.first_published_at and post.first_published_at > now - window:
            return
        NewsPage.objects.filter(pk=post.pk).update(first_published_at=now)
        post.refresh_from_db()
        post.publication_date = timezone.localdate(now)
        post.save_revision(user=publisher).publish(user=publisher)

    def set_up_front_page(self, home, index):
        """The first time only (the home page has no sections yet): the newest regular
        post as the editor's pick for the lead story and the sections of
        ``FRONT_SECTIONS``, published as an editor would."""
        if home.sections.exists():
            return
        home = HomePage.objects.get(pk=home.pk)  # the live page, not a stale copy
        lead = NewsPage.objects.child_of(index).live().filter(slug=post_slug(POSTS[0][0]))
        home.lead_story = lead.first()
        tags = {
            tag.name: tag for tag in Tag.objects.filter(name__in=[s[0] for s in FRONT_SECTIONS])
        }
        chosen = [
            (tags[name], heading, count) for name, heading, count in FRONT_SECTIONS if name in tags
        ]
        home.sections = [
            HomePageSection(tag=tag, heading=heading, post_count=count, sort_order=position)
            for position, (tag, heading, count) in enumerate(chosen)
        ]
        home.save_revision().publish()

    def create_comments(self, index, moderator):
        """Add the demo comments whose posts exist; returns how many were new."""
        posts = {page.slug: page for page in NewsPage.objects.child_of(index)}
        created = {}
        new = 0
        for key, number, reply_to, name, website, body, status in DEMO_COMMENTS:
            post = posts.get(post_slug(POSTS[number][0]))
            if post is None:
                continue
            comment = Comment.objects.filter(source_id=f"demo:{key}").first()
            if comment is None:
                comment = Comment.objects.create(
                    source_id=f"demo:{key}",
                    page=post,
                    parent=created.get(reply_to),
                    author_name=name,
                    author_email=f"{key}@readers.invalid",
                    author_url=website,
                    body=body,
                    status=status,
                    moderated_by=moderator if status == Comment.Status.APPROVED else None,
                )
                new += 1
            created[key] = comment
        return new

    def post_body(self, rng, number, images, earlier, disclaimers):
        quote, attribution, source = QUOTES[number % len(QUOTES)]
        body = [
            {"type": "paragraph", "value": paragraph_html(rng, 3)},
            {
                "type": "quote",
                "value": {
                    "text": quote,
                    "attribution": attribution,
                    "source_name": source,
                    "source_url": "https://www.afp.com/" if source == "AFP" else "",
                },
            },
            {"type": "paragraph", "value": paragraph_html(rng, 4)},
            {
                "type": "image",
                "value": {
                    "image": images[(number + 3) % len(images)].pk,
                    "caption": "The scene on Tuesday morning.",
                    "credit": rng.choice(["Newsdesk", "Reuters", "AFP"]),
                    "alt_text": "",
                },
            },
            {"type": "paragraph", "value": paragraph_html(rng, 2)},
        ]
        body.extend(EXTRA_BLOCKS.get(number, []))
        if number % 2 == 0:
            body.append(
                {
                    "type": "embed",
                    "value": {
                        "heading": "Related video",
                        "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
                        "title": "Watch: the view from the harbour wall",
                        "caption": "The harbour wall at high tide, filmed by a reader.",
                    },
                }
            )
        items = [{"type": "article", "value": page.pk} for page in earlier[-2:]]
        items.append(
            {
                "type": "link",
                "value": {
                    "url": "https://example.org/background",
                    "title": "Background: a short history of the port",
                    "summary": "How a fishing quay became a ferry port, and what the wall "
                    "has withstood since.",
                },
            }
        )
        body.append(
            {"type": "related_articles", "value": {"heading": "Read more", "items": items}}
        )
        if number % 5 == 4:  # with site_disclaimer "never" (see the caller)
            body.append(
                {
                    "type": "disclaimer",
                    "value": {"disclaimer": disclaimers["opinion"].pk, "text": ""},
                }
            )
        elif number % 7 == 3:
            body.append(
                {
                    "type": "disclaimer",
                    "value": {
                        "disclaimer": None,
                        "text": "<p>This story was updated to correct the hearing date.</p>",
                    },
                }
            )
        return body
