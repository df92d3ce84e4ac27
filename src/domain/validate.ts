// Field validation from the descriptor, with Django REST framework's messages so
// every dialect can show them unchanged.
import type { FieldMeta } from './model';
import { parseIp } from './ip';

export type FieldErrors = Record<string, string[]>;

export function addError(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

/** Checks one written value; returns it normalised (trimmed ip, coerced choice) or records errors. */
export function checkValue(f: FieldMeta, value: unknown, errors: FieldErrors): unknown {
  if (value === null) {
    if (!f.nullable) addError(errors, f.name, 'This field may not be null.');
    return value;
  }
  switch (f.kind) {
    case 'string': case 'text': case 'uuid': {
      const s = String(value);
      if (f.required && !f.nullable && s.trim() === '' && f.default === undefined) addError(errors, f.name, 'This field may not be blank.');
      if (f.maxLength && s.length > f.maxLength) addError(errors, f.name, `Ensure this field has no more than ${f.maxLength} characters.`);
      if (f.pattern && !f.pattern[0].test(s)) addError(errors, f.name, f.pattern[1]);
      return s;
    }
    case 'int': case 'bigint': case 'asn': case 'float': {
      const n = Number(value);
      if (f.min !== undefined && n < f.min) addError(errors, f.name, `Ensure this value is greater than or equal to ${f.min}.`);
      if (f.max !== undefined && n > f.max) addError(errors, f.name, `Ensure this value is less than or equal to ${f.max}.`);
      if (f.kind === 'int' && (n > 2147483647 || n < -2147483648)) addError(errors, f.name, 'Ensure this value is less than or equal to 2147483647.');
      return n;
    }
    case 'choice': {
      if (f.blank && value === '') return value;
      const hit = f.choices!.values.find((c) => String(c.value) === String(value));
      if (!hit) addError(errors, f.name, `"${value}" is not a valid choice.`);
      return hit ? hit.value : value;
    }
    case 'ip': case 'prefix': {
      const p = parseIp(String(value));
      if (!p || (f.kind === 'ip' && !f.withLength && p.length !== null)) {
        addError(errors, f.name, f.family ? `Enter a valid IPv${f.family} address.` : 'Enter a valid IPv4 or IPv6 address.');
      } else if (f.family && p.family !== f.family) {
        addError(errors, f.name, `Enter a valid IPv${f.family} address.`);
      }
      return String(value).trim();
    }
    case 'json':
      if (f.objectOnly && (typeof value !== 'object' || Array.isArray(value))) addError(errors, f.name, 'JSON data must be in object form');
      return value;
    default:
      return value;
  }
}
