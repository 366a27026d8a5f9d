import {
  Alert,
  Avatar,
  Button,
  FileButton,
  Group,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../components/States.tsx';
import { describeError, fieldErrors } from '../../lib/errors.ts';
import type { LecternError } from '../../lib/sdk.ts';
import { currentUser, updateSessionUser } from '../auth/session.ts';
import {
  removeProfilePicture,
  type UserProfile,
  type UserUpdate,
  updateUser,
  uploadProfilePicture,
  userKeys,
} from './queries.ts';

interface Values {
  username: string;
  bio: string;
  address: string;
  is_verified: boolean;
  is_staff: boolean;
  is_superuser: boolean;
}

/**
 * A profile's editable fields. Role switches only for who may change them: staff see "verified";
 * only a superuser sees "staff" and "superuser" (the server enforces the same).
 */
export function ProfileForm({ user, withRoles }: { user: UserProfile; withRoles: boolean }) {
  const queryClient = useQueryClient();
  const viewer = currentUser();
  const [other, setOther] = useState<string[]>([]);
  const initial: Values = {
    username: user.username,
    bio: user.bio,
    address: user.address,
    is_verified: user.is_verified,
    is_staff: user.is_staff,
    is_superuser: user.is_superuser,
  };
  const form = useForm<Values>({ mode: 'controlled', initialValues: initial });

  const accept = (saved: UserProfile) => {
    queryClient.setQueryData(userKeys.detail(saved.slug), saved);
    void queryClient.invalidateQueries({ queryKey: userKeys.all });
    if (viewer?.id === saved.id) updateSessionUser({ username: saved.username });
  };

  const save = useMutation({
    mutationFn: (values: Values) => {
      const fields: UserUpdate = { username: values.username, bio: values.bio, address: values.address };
      if (withRoles && viewer && (viewer.is_staff || viewer.is_superuser))
        fields.is_verified = values.is_verified;
      if (withRoles && viewer?.is_superuser) {
        fields.is_staff = values.is_staff;
        fields.is_superuser = values.is_superuser;
      }
      return updateUser(user.slug, fields);
    },
    onMutate: () => setOther([]),
    onSuccess: (saved) => {
      accept(saved);
      const values: Values = { ...initial, ...saved };
      form.setInitialValues(values);
      form.setValues(values);
      form.resetDirty(values);
      notifications.show({
        color: 'green',
        title: 'Saved',
        message: `${saved.username}'s profile is saved.`,
      });
    },
    onError: (error: LecternError) => {
      const { fields, other: rest } = fieldErrors(error);
      form.setErrors(fields);
      setOther(rest);
    },
  });

  const picture = useMutation({
    mutationFn: (file: File | null) =>
      file ? uploadProfilePicture(user.slug, file) : removeProfilePicture(user.slug),
    onSuccess: accept,
  });

  return (
    <Stack>
      <Group align="center">
        <Avatar src={user.profile_pic} alt={`${user.username}'s picture`} size={72} radius="xl">
          {user.username.slice(0, 2).toUpperCase()}
        </Avatar>
        <Stack gap={4}>
          <Group gap="xs">
            <FileButton
              onChange={(file) => file && picture.mutate(file)}
              accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
            >
              {(props) => (
                <Button size="xs" variant="light" loading={picture.isPending} {...props}>
                  {user.profile_pic ? 'Change picture' : 'Add a picture'}
                </Button>
              )}
            </FileButton>
            {user.profile_pic ? (
              <Button size="xs" variant="subtle" color="red" onClick={() => picture.mutate(null)}>
                Remove picture
              </Button>
            ) : null}
          </Group>
          {picture.isError ? (
            <Text size="sm" c="red" role="alert">
              {describeError(picture.error)}
            </Text>
          ) : null}
        </Stack>
      </Group>
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate aria-label="Profile">
        <Stack maw={560}>
          {save.error && !save.error.fields ? <ErrorAlert error={save.error} title="Not saved" /> : null}
          {other.length ? (
            <Alert color="red" role="alert">
              {other.join(' ')}
            </Alert>
          ) : null}
          <TextInput label="Username" required {...form.getInputProps('username')} />
          <Textarea label="Bio" autosize minRows={2} maxRows={8} {...form.getInputProps('bio')} />
          <Textarea label="Address" autosize minRows={1} maxRows={4} {...form.getInputProps('address')} />
          {withRoles ? (
            <Stack gap="xs">
              <Switch label="Email verified" {...form.getInputProps('is_verified', { type: 'checkbox' })} />
              {viewer?.is_superuser ? (
                <>
                  <Switch label="Staff" {...form.getInputProps('is_staff', { type: 'checkbox' })} />
                  <Switch label="Superuser" {...form.getInputProps('is_superuser', { type: 'checkbox' })} />
                </>
              ) : null}
            </Stack>
          ) : null}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
