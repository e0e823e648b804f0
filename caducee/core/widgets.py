"""Drop-downs that render their options in Python, and read them in one query.

Django renders a ``<select>`` through a template include per ``<option>``
(about 25 µs each) and reads a model choice list through ``.iterator()``,
which on PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE, three
round trips instead of one. A list page's filter form has half a dozen such
lists (establishments, sites, teams, suppliers, contracts) and several
hundred options at GHT scale, which cost more than the page's own rows.

``lighten(form)`` gives a form's drop-downs (and its text, number, hidden
and textarea fields, a template include each too) the same HTML written by
``format_html``, and choice lists read by one plain query, cached on the
form's queryset so validation and rendering share it. The output is the one
Django's templates give (``core/tests/test_widgets.py`` and
``desk/tests/test_pages_render.py`` compare them).
"""

from __future__ import annotations

from html import escape as escape_text

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.widgets import ChoiceWidget
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_filters.fields import ModelChoiceIterator as FilterChoiceIterator


def _attrs(attrs: dict) -> SafeString:
    """``django/forms/widgets/attrs.html`` in Python."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        else:
            parts.append(format_html(' {}="{}"', name, str(value)))
    return mark_safe("".join(parts))  # noqa: S308  (each part escaped by format_html)


def _text(value) -> str:
    """``conditional_escape(value)``, without its detour for plain strings."""
    if type(value) is str:
        return escape_text(value)
    return str(conditional_escape(value))


class _PythonOptions:
    """A select widget whose options are written in Python, not by template."""

    def render(self, name, value, attrs=None, renderer=None):
        cls = type(self)
        if (
            cls.get_context is not forms.Select.get_context
            or cls.optgroups is not ChoiceWidget.optgroups
            or cls.create_option is not ChoiceWidget.create_option
            or self.option_inherits_attrs
        ):
            return self._render_context(name, value, attrs)
        # Select.get_context without its optgroups: the options are written
        # straight from the choices below, as optgroups() and create_option()
        # decide them (a dictionary and a format_html per option otherwise).
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        multiple = self.allow_multiple_selected
        if multiple:
            widget["attrs"]["multiple"] = True
        chosen = widget["value"]
        html = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, list | tuple):
                group, choices = option_value, option_label
            else:
                group, choices = None, [(option_value, option_label)]
            if group:
                html.append(format_html('\n  <optgroup label="{}">', group))
            for subvalue, sublabel in choices:
                key = str(subvalue)
                selected = (not has_selected or multiple) and key in chosen
                has_selected |= selected
                html.append(
                    f'\n  <option value="{_text(key)}"{" selected" if selected else ""}>'
                    f"{_text(sublabel)}</option>\n"
                )
            if group:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308  (parts escaped above, or constant)

    def _render_context(self, name, value, attrs):
        widget = self.get_context(name, value, attrs)["widget"]
        # The whitespace is the templates' (select.html, select_option.html).
        html = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            html.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308  (parts escaped by format_html, or constant)


class _PythonInput:
    """``django/forms/widgets/input.html`` in Python: a text, hidden or
    number field costs a template include (about 0.3 ms) otherwise."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', str(value)) if value is not None else "",
            _attrs(widget["attrs"]),
        )


class _PythonTextarea:
    """``django/forms/widgets/textarea.html`` in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            _attrs(widget["attrs"]),
            widget["value"] or "",
        )


class QuickTextInput(_PythonInput, forms.TextInput):
    pass


class QuickNumberInput(_PythonInput, forms.NumberInput):
    pass


class QuickEmailInput(_PythonInput, forms.EmailInput):
    pass


class QuickHiddenInput(_PythonInput, forms.HiddenInput):
    pass


class QuickTextarea(_PythonTextarea, forms.Textarea):
    pass


class QuickSelect(_PythonOptions, forms.Select):
    pass


class QuickSelectMultiple(_PythonOptions, forms.SelectMultiple):
    pass


class _OneQuery:
    """Model choices read by one plain query, kept on the field's queryset."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        if getattr(field, "null_label", None) is not None:
            yield (field.null_value, field.null_label)
        yield from self.model_choices()

    def model_choices(self):
        """The choices of the rows (a subclass may read them otherwise)."""
        for obj in self.queryset:
            yield self.choice(obj)


class OneQueryChoiceIterator(_OneQuery, ModelChoiceIterator):
    pass


class OneQueryFilterChoiceIterator(_OneQuery, FilterChoiceIterator):
    pass


_QUICK = {
    forms.Select: QuickSelect,
    forms.SelectMultiple: QuickSelectMultiple,
    forms.TextInput: QuickTextInput,
    forms.NumberInput: QuickNumberInput,
    forms.EmailInput: QuickEmailInput,
    forms.HiddenInput: QuickHiddenInput,
    forms.Textarea: QuickTextarea,
}


def lighten(form: forms.BaseForm) -> forms.BaseForm:
    """Give ``form``'s plain drop-downs and text fields the quick rendering,
    and its model drop-downs one-query choices."""
    for field in form.fields.values():
        widget = field.widget
        quick = _QUICK.get(type(widget))
        if quick is None or widget.template_name != quick.template_name:
            continue
        if isinstance(field, forms.ModelChoiceField) and not issubclass(field.iterator, _OneQuery):
            field.iterator = (
                OneQueryFilterChoiceIterator
                if issubclass(field.iterator, FilterChoiceIterator)
                else OneQueryChoiceIterator
            )
            widget.choices = field.choices
        # Same widget, same state (attributes, choices, required): only how it renders.
        widget.__class__ = quick
    return form
