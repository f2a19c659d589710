import { z } from 'zod';
import { slugSchema, timestampSchema, uuidSchema } from './common.ts';

export const emailSchema = z
  .email()
  .max(320)
  .transform((e) => e.toLowerCase());
export const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(1024);

export const userCreateSchema = z
  .object({
    email: emailSchema,
    name: z.string().max(200).nullish(),
    password: passwordSchema.optional(),
    isAdmin: z.boolean().default(false),
    disabled: z.boolean().default(false),
    /** Role names; each must exist. */
    roles: z.array(slugSchema).max(100).default([]),
  })
  .strict()
  .meta({ id: 'UserCreate' });
export type UserCreate = z.infer<typeof userCreateSchema>;

export const userUpdateSchema = z
  .object({
    email: emailSchema,
    name: z.string().max(200).nullable(),
    /** A new password, or null to remove local login. */
    password: passwordSchema.nullable(),
    isAdmin: z.boolean(),
    disabled: z.boolean(),
    roles: z.array(slugSchema).max(100),
  })
  .partial()
  .strict()
  .meta({ id: 'UserUpdate' });
export type UserUpdate = z.infer<typeof userUpdateSchema>;

export const userSchema = z
  .object({
    id: uuidSchema,
    email: z.string(),
    name: z.string().nullable(),
    hasPassword: z.boolean(),
    isAdmin: z.boolean(),
    disabled: z.boolean(),
    roles: z.array(z.string()),
    lastLoginAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

export const roleCreateSchema = z
  .object({ name: slugSchema, description: z.string().max(1000).nullish() })
  .strict()
  .meta({ id: 'RoleCreate' });
export type RoleCreate = z.infer<typeof roleCreateSchema>;

export const roleUpdateSchema = z
  .object({ name: slugSchema, description: z.string().max(1000).nullable() })
  .partial()
  .strict()
  .meta({ id: 'RoleUpdate' });
export type RoleUpdate = z.infer<typeof roleUpdateSchema>;

export const roleSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    description: z.string().nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Role' });
export type Role = z.infer<typeof roleSchema>;
