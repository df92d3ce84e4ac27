import { type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { Organisational, Primary, ORGANISATIONAL } from '../base';

@Model<ContactRole>({
  app: 'messaging',
  ...ORGANISATIONAL,
})
export class ContactRole extends Organisational {}

@Model<Contact>({
  app: 'messaging',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['name'],
  q: ['name', 'title', 'phone', 'email', 'address', 'comments'],
})
export class Contact extends Primary {
  @F.string({ maxLength: 100, required: true }) name!: string;
  @F.string({ maxLength: 100, default: '' }) title: string = '';
  @F.string({ maxLength: 50, default: '' }) phone: string = '';
  @F.string({ maxLength: 254, default: '', pattern: [/^$|^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'Enter a valid email address.'] }) email: string = '';
  @F.string({ maxLength: 200, default: '' }) address: string = '';
}

/** Links a contact, in a role, to any object ("app.model" + id). */
@Model<ContactAssignment>({
  app: 'messaging',
  display: async (o, load) => (await load<Contact>(o, 'contact'))?.name ?? '',
  brief: ['id', 'url', 'display', 'contact', 'role'],
  ordering: ['contact'],
  orderingPaths: { contact: 'contact.name' },
  uniqueTogether: [['contentType', 'objectId', 'contact', 'role']],
})
export class ContactAssignment {
  @IdField() id!: number;
  @F.datetime({ nullable: true, readOnly: true, auto: 'create' }) created?: Date | null;
  @F.datetime({ nullable: true, readOnly: true, auto: 'update' }) updated?: Date | null;
  @F.string({ maxLength: 100, required: true, help: '"app_label.model" of the assigned object' }) contentType!: string;
  @F.bigint({ min: 0, required: true }) objectId!: number;
  @F.fk(() => Contact, { required: true, deleteRule: 'restrict' }) contact!: Rel<Contact>;
  @F.fk(() => ContactRole, { required: true, via: ['slug'], restVia: 'slug', deleteRule: 'restrict' }) role!: Rel<ContactRole>;
}

/** An e-mail template (Jinja2 subject and body). */
@Model<Email>({
  app: 'messaging',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['name'],
  q: ['name', 'subject', 'template'],
})
export class Email extends Primary {
  @F.string({ maxLength: 100, required: true, filter: false }) name!: string;
  @F.string({ maxLength: 512, required: true, filter: false }) subject!: string;
  @F.text({ required: true, filter: false }) template!: string;
  @F.bool({ default: false }) jinja2Trim: boolean = false;
  @F.bool({ default: false }) jinja2Lstrip: boolean = false;
}
