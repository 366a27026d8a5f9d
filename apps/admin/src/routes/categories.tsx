import { Alert, Button, Group, Modal, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { Empty, ErrorAlert, Loading } from '../components/States.tsx';
import {
  type Category,
  categoriesQuery,
  categoryKeys,
  categoryUsageQuery,
  createCategory,
  deleteCategory,
  updateCategory,
} from '../features/categories/queries.ts';
import { describeError, fieldErrors } from '../lib/errors.ts';
import type { LecternError } from '../lib/sdk.ts';
import { appRoute } from './layout.tsx';

export const categoriesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'categories',
  component: CategoriesScreen,
});

function CategoriesScreen() {
  const categories = useQuery(categoriesQuery());
  const [editing, setEditing] = useState<Category | null>(null);
  const [deleting, setDeleting] = useState<Category | null>(null);
  return (
    <Stack>
      <Title order={1}>Categories</Title>
      <CategoryForm />
      {categories.isPending ? <Loading label="Loading categories…" /> : null}
      {categories.isError ? (
        <ErrorAlert error={categories.error} onRetry={() => categories.refetch()} />
      ) : null}
      {categories.data ? (
        categories.data.length === 0 ? (
          <Empty>No categories yet.</Empty>
        ) : (
          <Table striped verticalSpacing="xs" data-testid="categories-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Slug</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {categories.data.map((category) => (
                <Table.Tr key={category.id} data-slug={category.slug}>
                  <Table.Td fw={500}>{category.name}</Table.Td>
                  <Table.Td>
                    <code>{category.slug}</code>
                  </Table.Td>
                  <Table.Td maw={360}>
                    <Text size="sm" lineClamp={2}>
                      {category.description || '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setEditing(category)}
                        aria-label={`Rename ${category.name}`}
                      >
                        Rename
                      </Button>
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        onClick={() => setDeleting(category)}
                        aria-label={`Delete ${category.name}`}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )
      ) : null}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title="Rename the category" centered>
        {editing ? <CategoryForm category={editing} onDone={() => setEditing(null)} /> : null}
      </Modal>
      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete the category?"
        centered
      >
        {deleting ? <DeleteCategory category={deleting} onDone={() => setDeleting(null)} /> : null}
      </Modal>
    </Stack>
  );
}

/** New category (no `category`) or rename one; the slug stays when the name changes. */
function CategoryForm({ category, onDone }: { category?: Category; onDone?: () => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: category?.name ?? '', description: category?.description ?? '' },
    validate: { name: (v) => (v.trim() ? null : 'Give the category a name.') },
  });
  const [other, setOther] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (values: { name: string; description: string }) =>
      category ? updateCategory(category.slug, values) : createCategory(values),
    onMutate: () => setOther([]),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: categoryKeys.all });
      notifications.show({ color: 'green', title: category ? 'Renamed' : 'Created', message: saved.name });
      if (!category) form.reset();
      onDone?.();
    },
    onError: (error: LecternError) => {
      const { fields, other: rest } = fieldErrors(error);
      form.setErrors(fields);
      setOther(rest);
    },
  });
  return (
    <form
      onSubmit={form.onSubmit((values) => save.mutate(values))}
      noValidate
      aria-label={category ? 'Rename category' : 'New category'}
    >
      <Stack gap="sm">
        {save.error && !save.error.fields ? <ErrorAlert error={save.error} title="Not saved" /> : null}
        {other.length ? (
          <Alert color="red" role="alert">
            {other.join(' ')}
          </Alert>
        ) : null}
        <Group align="start" grow={!category} wrap="wrap">
          <TextInput label="Name" required maxLength={100} {...form.getInputProps('name')} />
          <Textarea
            label="Description"
            autosize
            minRows={1}
            maxRows={4}
            {...form.getInputProps('description')}
          />
        </Group>
        <Group>
          <Button type="submit" loading={save.isPending}>
            {category ? 'Save' : 'Create category'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DeleteCategory({ category, onDone }: { category: Category; onDone: () => void }) {
  const queryClient = useQueryClient();
  const usage = useQuery(categoryUsageQuery(category.slug));
  const remove = useMutation({
    mutationFn: () => deleteCategory(category.slug),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: categoryKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['posts'] });
      notifications.show({
        color: 'gray',
        title: 'Deleted',
        message: `Category “${category.name}” is gone.`,
      });
      onDone();
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Not deleted', message: describeError(error) }),
  });
  return (
    <Stack>
      <Text size="sm" data-testid="category-usage">
        {usage.isPending
          ? 'Counting the posts in this category…'
          : usage.isError
            ? describeError(usage.error)
            : usage.data === 0
              ? `No post is in “${category.name}”.`
              : `${usage.data} ${usage.data === 1 ? 'post loses' : 'posts lose'} the category “${category.name}”; the posts themselves stay.`}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone} data-autofocus>
          Cancel
        </Button>
        <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
          Delete “{category.name}”
        </Button>
      </Group>
    </Stack>
  );
}
