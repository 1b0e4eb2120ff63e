"""`{% can "action" [subject] as allowed %}`: the template asks the permission layer the same question
the service will ask, so a button is shown only to those whose click would be accepted."""

from django import template

from chungsuc.accounts import permissions

register = template.Library()


class CanNode(template.Node):
    def __init__(self, action, subject, var):
        self.action, self.subject, self.var = action, subject, var

    def render(self, context):
        request = context.get("request")
        user = getattr(request, "user", None) or context.get("user")
        subject = self.subject.resolve(context) if self.subject is not None else None
        action = self.action.resolve(context)
        context[self.var] = bool(user is not None and permissions.can(user, action, subject))
        return ""


@register.tag(name="can")
def do_can(parser, token):
    bits = token.split_contents()
    if len(bits) not in (4, 5) or bits[-2] != "as":
        raise template.TemplateSyntaxError('Cú pháp: {% can "thao.tac" [doi_tuong] as bien %}')
    action = parser.compile_filter(bits[1])
    subject = parser.compile_filter(bits[2]) if len(bits) == 5 else None
    return CanNode(action, subject, bits[-1])
