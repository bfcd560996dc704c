<?php

namespace App\Controller;

use App\Service\PostRepository;
use Symfony\Bundle\FrameworkBundle\Controller\AbstractController;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\Routing\Attribute\Route;

#[Route('/posts')]
class PostController extends AbstractController
{
    public function __construct(private PostRepository $posts)
    {
    }

    #[Route('', name: 'post_index', methods: ['GET'])] // expect: entrypoints-php
    public function index(): JsonResponse
    {
        return $this->json($this->posts->latest());
    }

    #[Route('/{slug}', name: 'post_show', methods: ['GET', 'HEAD'])] // expect: entrypoints-php
    public function show(string $slug): JsonResponse
    {
        return $this->json($this->posts->bySlug($slug));
    }

    #[Route('/{slug}/comments', name: 'post_comment', methods: 'POST')] // expect: entrypoints-php
    public function comment(string $slug, Request $request): JsonResponse
    {
        \DDTrace\trace_function('App\Service\Moderation::check', function ($span) {
            $span->name = 'moderation.check';
        });
        return $this->json(['queued' => true], 202);
    }

    private function slugify(string $title): string
    {
        return strtolower(trim(preg_replace('/[^a-z0-9]+/i', '-', $title), '-'));
    }
}
