"""The project's crispy-forms pack (templates/kern/) renders KERN markup with linked hints and errors."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.template import Context, Template

CHOICES = [("de", "Deutsch"), ("ar", "العربية"), ("fa", "فارسی")]


class EveryWidgetForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Vor- und Nachname")
    email = forms.EmailField(label="E-Mail")
    count = forms.IntegerField(label="Anzahl")
    day = forms.DateField(label="Datum", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Uhrzeit", widget=forms.TimeInput(attrs={"type": "time"}))
    notes = forms.CharField(label="Anmerkungen", widget=forms.Textarea, help_text="Höchstens 500 Zeichen")
    language = forms.ChoiceField(label="Sprache", choices=CHOICES)
    languages = forms.MultipleChoiceField(label="Sprachen", choices=CHOICES)
    consent = forms.BooleanField(label="Ich stimme zu")
    topics = forms.MultipleChoiceField(label="Themen", choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    level = forms.ChoiceField(
        label="Niveau", choices=CHOICES, widget=forms.RadioSelect, help_text="Eine Wahl"
    )
    upload = forms.FileField(label="Datei")
    password = forms.CharField(label="Passwort", widget=forms.PasswordInput)
    optional = forms.CharField(label="Zusatz", required=False)


def render_fields(form) -> str:
    return Template(
        "{% load crispy_forms_tags %}{% for f in form %}{{ f|as_crispy_field }}{% endfor %}"
    ).render(Context({"form": form}))


def opening_tag(html: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no control with id {element_id}"
    return match.group(0)


def invalid_form():
    form = EveryWidgetForm(data={"email": "kein-at", "count": "viele", "day": "32.13.2025"})
    assert not form.is_valid()
    return form


def test_text_like_inputs_get_kern_classes_label_and_linked_error():
    html = render_fields(invalid_form())
    for field, input_type in [
        ("email", "email"),
        ("count", "number"),
        ("day", "date"),
        ("time", "time"),
        ("password", "password"),
        ("upload", "file"),
    ]:
        tag = opening_tag(html, f"id_{field}")
        assert f'type="{input_type}"' in tag
        assert "kern-form-input__input" in tag
        assert f'aria-describedby="id_{field}-error"' in tag
        assert 'aria-invalid="true"' in tag
        assert f'<label class="kern-label" for="id_{field}">' in html
        assert re.search(rf'<p class="kern-error" id="id_{field}-error">.*?</p>', html, re.S)
    assert '<div id="div_id_email" class="kern-form-input kern-form-input--error ki-field">' in html


def test_hint_and_error_are_both_linked_in_reading_order():
    html = render_fields(invalid_form())
    tag = opening_tag(html, "id_name")
    assert 'aria-describedby="id_name-hint id_name-error"' in tag
    assert '<div class="kern-hint" id="id_name-hint">Vor- und Nachname</div>' in html
    assert "Dieses Feld ist zwingend erforderlich." in html
    notes = opening_tag(html, "id_notes")
    assert notes.startswith("<textarea") and "kern-form-input__input" in notes


def test_valid_optional_field_has_no_error_markup_and_no_required_marker():
    html = render_fields(invalid_form())
    block = html[html.index('id="div_id_optional"') :]
    block = block[: block.index("</div>")]
    assert "kern-error" not in block and "ki-required" not in block
    assert "aria-describedby" not in opening_tag(html, "id_optional")
    assert "aria-invalid" not in opening_tag(html, "id_optional")
    # Required fields carry the visible marker.
    assert 'E-Mail<span class="ki-required" aria-hidden="true">*</span>' in html


def test_selects_single_and_multiple():
    html = render_fields(invalid_form())
    single = opening_tag(html, "id_language")
    assert single.startswith("<select") and "kern-form-input__select" in single
    assert 'aria-describedby="id_language-error"' in single
    multiple = opening_tag(html, "id_languages")
    assert "multiple" in multiple and "kern-form-input__select" in multiple
    assert "ki-select-multiple" in html


def test_single_checkbox_has_label_after_the_box():
    html = render_fields(invalid_form())
    tag = opening_tag(html, "id_consent")
    assert 'type="checkbox"' in tag and "kern-form-check__checkbox" in tag
    assert 'aria-describedby="id_consent-error"' in tag
    assert re.search(
        r'id="id_consent"[^>]*>\s*<label class="kern-label" for="id_consent">Ich stimme zu', html
    )
    assert '<div id="div_id_consent" class="kern-form-check kern-form-check--error ki-field">' in html


def test_radio_and_checkbox_groups_are_fieldsets_with_legend_and_described_by():
    html = render_fields(invalid_form())
    for name, kind in (("topics", "checkbox"), ("level", "radio")):
        start = html.index(f'<fieldset id="div_id_{name}"')
        group = html[start : html.index("</fieldset>", start)]
        assert 'class="kern-fieldset kern-fieldset--error ki-field"' in group
        assert '<legend class="kern-label">' in group
        assert group.count(f'type="{kind}"') == 3
        assert f"kern-form-check__{kind}" in group
        assert 'aria-invalid="true"' in group
        assert f'<label class="kern-label" for="id_{name}_1">العربية</label>' in group
    level = html[html.index('<fieldset id="div_id_level"') :]
    assert level.startswith(
        '<fieldset id="div_id_level" class="kern-fieldset kern-fieldset--error ki-field" '
    )
    assert 'aria-describedby="id_level-hint id_level-error"' in level[:200]


def test_checked_options_stay_checked_after_a_failed_submit():
    form = EveryWidgetForm(data={"topics": ["ar", "fa"], "level": "de"})
    html = render_fields(form)
    assert re.search(r'value="ar" id="id_topics_1" checked', html)
    assert re.search(r'value="fa" id="id_topics_2" checked', html)
    assert re.search(r'value="de" id="id_level_0" checked', html)
    assert not re.search(r'value="ar" id="id_level_1" checked', html)


def test_crispy_tag_with_layout_renders_fieldsets_and_kern_submit_button():
    form = invalid_form()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout(Fieldset("Wer?", "name", "email"))
    form.helper.add_input(Submit("save", "Speichern"))
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert '<fieldset class="kern-fieldset ki-form-section"' in html
    assert '<legend class="kern-heading-small">Wer?</legend>' in html
    assert 'class="kern-btn kern-btn--primary"' in html and "btn-primary" not in html.replace(
        "kern-btn--primary", ""
    )
    assert 'aria-describedby="id_email-error"' in html


def test_error_summary_links_to_every_field_with_an_error():
    form = invalid_form()
    html = Template('{% include "includes/error_summary.html" %}').render(Context({"form": form}))
    assert 'class="kern-alert kern-alert--danger ki-error-summary" role="alert" id="form-errors"' in html
    for field in ("name", "email", "count", "consent", "password"):
        assert f'href="#id_{field}"' in html
    # Radio and checkbox groups link to their first option.
    assert 'href="#id_level_0"' in html and 'href="#id_topics_0"' in html
    assert 'href="#id_optional"' not in html
